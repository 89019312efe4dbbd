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
package io.spillway.metrics;

import org.apache.spark.TaskContext;
import org.apache.spark.executor.TaskMetrics;

/**
 * Adds what one reduce-side structure (a merger, a group-by, a sorter) spilled and held to the
 * task's metrics, as Spark's own spilling collections do, so the figures show in the web UI's
 * "Spill (Memory)", "Spill (Disk)" and "Peak Execution Memory" columns. The reader and the RDD
 * API both report through this class, once per structure, when the structure is released.
 */
public final class TaskSpillMetrics {

  private TaskSpillMetrics() {}

  /**
   * @param memoryBytesSpilled estimated in-memory size of what the spills wrote (Spark's {@code
   *     memoryBytesSpilled})
   * @param diskBytesSpilled bytes the spills wrote to disk
   * @param peakMemoryBytes the structure's largest memory reservation
   */
  public static void add(
      TaskContext task, long memoryBytesSpilled, long diskBytesSpilled, long peakMemoryBytes) {
    TaskMetrics metrics = task.taskMetrics();
    metrics.incMemoryBytesSpilled(memoryBytesSpilled);
    metrics.incDiskBytesSpilled(diskBytesSpilled);
    metrics.incPeakExecutionMemory(peakMemoryBytes);
  }
}
