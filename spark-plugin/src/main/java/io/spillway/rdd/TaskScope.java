/*
 * Copyright 2026 The Spillway Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.spillway.rdd;

import io.spillway.spill.SpillFileSource;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;

/**
 * The Spark services one combiner needs inside a running task, looked up once per partition:
 * memory from the task's {@link TaskMemoryManager}, the job's serializer and
 * {@link SerializerManager} (spill compression and encryption), spill files in the block
 * manager's local directories, and the task itself.
 */
final class TaskScope {

  private final TaskContext task;
  private final SparkEnv env;

  private TaskScope(TaskContext task, SparkEnv env) {
    this.task = task;
    this.env = env;
  }

  /** The scope of the calling task thread; {@code operation} names the caller in the error. */
  static TaskScope current(String operation) {
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw new IllegalStateException(
          operation
              + " runs inside a Spark task, but TaskContext.get() is null"
              + " on thread "
              + Thread.currentThread().getName());
    }
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException(
          operation + " runs inside a Spark task, but SparkEnv.get() is null");
    }
    return new TaskScope(task, env);
  }

  TaskMemoryManager taskMemoryManager() {
    return task.taskMemoryManager();
  }

  SerializerManager serializerManager() {
    return env.serializerManager();
  }

  /** A fresh instance: serializer instances are not thread-safe and each combiner keeps one. */
  SerializerInstance newSerializerInstance() {
    return env.serializer().newInstance();
  }

  SpillFileSource spillFiles() {
    return SpillFileSource.tempLocalBlocks();
  }

  /** The task the combiner runs in: its output is bound to it ({@code TaskBoundIterator}). */
  TaskContext task() {
    return task;
  }
}
