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
package io.spillway.examples.bench;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Task metrics of one benchmark run, summed over every task of every job the run starts.
 *
 * <p>"Spill tasks" counts tasks whose {@code memoryBytesSpilled > 0}: Spark has no metric for the
 * number of spills, so this is the number of tasks that spilled at least once. Spill bytes are
 * Spark's two metrics: {@code memoryBytesSpilled} (in-memory size of what was spilled) and
 * {@code diskBytesSpilled} (bytes written to spill files). Peak execution memory is the largest
 * {@code peakExecutionMemory} of one task. GC time is the sum of the tasks' {@code jvmGCTime}; in
 * local mode all tasks share one JVM, so concurrent tasks each see the same collections and the
 * sum over-counts by up to the number of cores.
 */
public final class RunMetrics extends SparkListener {
  public long tasks;
  public long failedTasks;
  public long shuffleBytesWritten;
  public long shuffleRecordsWritten;
  public long memoryBytesSpilled;
  public long diskBytesSpilled;
  public long spillTasks;
  public long peakExecutionMemory;
  public long jvmGcTimeMs;

  /** Sum of the tasks' executorCpuTime. */
  public long taskCpuNanos;

  /** Sum of executorRunTime of shuffle map tasks and of all other tasks. */
  public long mapTaskMs;

  public long otherTaskMs;

  /** Sums of the shuffle write time (spills not included: Spark counts them elsewhere) and fetch wait. */
  public long shuffleWriteNanos;

  public long fetchWaitMs;

  /** Bytes and records the reducers read (local and remote). */
  public long shuffleBytesRead;

  public long shuffleRecordsRead;

  /**
   * Sums of executorRunTime and executorCpuTime over the tasks that wrote shuffle output (the
   * map side) and over the tasks that read shuffle input (the reduce side); a task that does both
   * (a middle stage) counts on both sides. The throughput columns divide bytes by these.
   */
  public long writerTaskMs;

  public long writerTaskCpuNanos;
  public long readerTaskMs;
  public long readerTaskCpuNanos;

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasks++;
    if (!taskEnd.taskInfo().successful()) {
      failedTasks++;
    }
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (metrics == null) {
      return;
    }
    shuffleBytesWritten += metrics.shuffleWriteMetrics().bytesWritten();
    shuffleRecordsWritten += metrics.shuffleWriteMetrics().recordsWritten();
    memoryBytesSpilled += metrics.memoryBytesSpilled();
    diskBytesSpilled += metrics.diskBytesSpilled();
    if (metrics.memoryBytesSpilled() > 0) {
      spillTasks++;
    }
    peakExecutionMemory = Math.max(peakExecutionMemory, metrics.peakExecutionMemory());
    jvmGcTimeMs += metrics.jvmGCTime();
    taskCpuNanos += metrics.executorCpuTime();
    if ("ShuffleMapTask".equals(taskEnd.taskType())) {
      mapTaskMs += metrics.executorRunTime();
    } else {
      otherTaskMs += metrics.executorRunTime();
    }
    shuffleWriteNanos += metrics.shuffleWriteMetrics().writeTime();
    fetchWaitMs += metrics.shuffleReadMetrics().fetchWaitTime();
    long read = metrics.shuffleReadMetrics().totalBytesRead();
    shuffleBytesRead += read;
    shuffleRecordsRead += metrics.shuffleReadMetrics().recordsRead();
    if (metrics.shuffleWriteMetrics().bytesWritten() > 0) {
      writerTaskMs += metrics.executorRunTime();
      writerTaskCpuNanos += metrics.executorCpuTime();
    }
    if (read > 0) {
      readerTaskMs += metrics.executorRunTime();
      readerTaskCpuNanos += metrics.executorCpuTime();
    }
    // one line per task in the run log, for finding where a run's time went
    System.err.printf(
        "task-end stage %d %s run %d ms cpu %d ms gc %d ms records read %d written %d"
            + " spilled %d B (disk %d B) peak %d B%n",
        taskEnd.stageId(),
        taskEnd.taskType(),
        metrics.executorRunTime(),
        metrics.executorCpuTime() / 1_000_000,
        metrics.jvmGCTime(),
        metrics.shuffleReadMetrics().recordsRead(),
        metrics.shuffleWriteMetrics().recordsWritten(),
        metrics.memoryBytesSpilled(),
        metrics.diskBytesSpilled(),
        metrics.peakExecutionMemory());
  }
}
