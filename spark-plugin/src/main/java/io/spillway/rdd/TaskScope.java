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

import java.util.Objects;

import io.spillway.spill.SpillFileSource;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The Spark services one combiner needs inside a running task, looked up once per partition:
 * memory from the task's {@link TaskMemoryManager}, the job's serializer and
 * {@link SerializerManager} (spill compression and encryption), spill files in the block
 * manager's local directories. Also the two task hooks every combiner uses: cleanup that runs
 * exactly once (at exhaustion or at task end, whichever is first) and spill metrics.
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
      throw new IllegalStateException(operation + " runs inside a Spark task, but TaskContext.get() is null"
          + " on thread " + Thread.currentThread().getName());
    }
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException(operation + " runs inside a Spark task, but SparkEnv.get() is null");
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

  /**
   * Returns {@code cleanup} wrapped so it runs at most once, and registers it to run when the
   * task completes (success, failure or kill). The caller also runs it when its output iterator
   * is exhausted, so memory and files go back as early as possible.
   */
  Runnable runOnceAndAtTaskEnd(Runnable cleanup) {
    Objects.requireNonNull(cleanup, "cleanup is null");
    Runnable once = new Runnable() {
      private boolean done;

      @Override
      public void run() {
        // Both callers are on the task thread (Spark runs completion listeners there), so a
        // plain flag is enough.
        if (!done) {
          done = true;
          cleanup.run();
        }
      }
    };
    // The cast picks TaskContext's Java listener overload over the Scala-function one.
    task.addTaskCompletionListener((TaskCompletionListener) context -> once.run());
    return once;
  }

  /**
   * Adds one combiner's spills to the task metrics, as Spark's own spilling collections do.
   *
   * @param memoryBytesSpilled reservation bytes released by spilling (the in-memory size spilled)
   * @param diskBytesSpilled bytes the spills wrote to disk
   * @param peakMemoryBytes the combiner's largest reservation
   */
  void reportSpills(long memoryBytesSpilled, long diskBytesSpilled, long peakMemoryBytes) {
    TaskMetrics metrics = task.taskMetrics();
    metrics.incMemoryBytesSpilled(memoryBytesSpilled);
    metrics.incDiskBytesSpilled(diskBytesSpilled);
    metrics.incPeakExecutionMemory(peakMemoryBytes);
  }
}
