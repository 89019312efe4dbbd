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
package io.spillway.it;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums the spill and shuffle metrics of every finished task. Listener events arrive
 * asynchronously: call {@link #snapshot(SparkContext)}, which drains the listener bus first.
 */
public final class TaskMetricsListener extends SparkListener {
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong tasksThatSpilled = new AtomicLong();
  private final AtomicLong memoryBytesSpilled = new AtomicLong();
  private final AtomicLong diskBytesSpilled = new AtomicLong();
  private final AtomicLong shuffleBytesWritten = new AtomicLong();
  private final AtomicLong shuffleRecordsWritten = new AtomicLong();
  private final AtomicLong shuffleRecordsRead = new AtomicLong();
  private final AtomicLong shuffleRemoteBytesRead = new AtomicLong();

  /** Registers a new listener on {@code sc}. */
  public static TaskMetricsListener register(SparkContext sc) {
    TaskMetricsListener listener = new TaskMetricsListener();
    sc.addSparkListener(listener);
    return listener;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (metrics == null) {
      return; // a task that failed before reporting metrics
    }
    tasks.incrementAndGet();
    memoryBytesSpilled.addAndGet(metrics.memoryBytesSpilled());
    diskBytesSpilled.addAndGet(metrics.diskBytesSpilled());
    if (metrics.memoryBytesSpilled() > 0 || metrics.diskBytesSpilled() > 0) {
      tasksThatSpilled.incrementAndGet();
    }
    shuffleBytesWritten.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
    shuffleRecordsWritten.addAndGet(metrics.shuffleWriteMetrics().recordsWritten());
    shuffleRecordsRead.addAndGet(metrics.shuffleReadMetrics().recordsRead());
    shuffleRemoteBytesRead.addAndGet(metrics.shuffleReadMetrics().remoteBytesRead());
  }

  /** Waits until every event posted so far was delivered, then reads the sums. */
  public Totals snapshot(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(60_000L);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("listener bus not drained within 60 s", e);
    }
    return new Totals(
        tasks.get(),
        tasksThatSpilled.get(),
        memoryBytesSpilled.get(),
        diskBytesSpilled.get(),
        shuffleBytesWritten.get(),
        shuffleRecordsWritten.get(),
        shuffleRecordsRead.get(),
        shuffleRemoteBytesRead.get());
  }

  /** The sums over all tasks that ended while the listener was registered. */
  public record Totals(
      long tasks,
      long tasksThatSpilled,
      long memoryBytesSpilled,
      long diskBytesSpilled,
      long shuffleBytesWritten,
      long shuffleRecordsWritten,
      long shuffleRecordsRead,
      long shuffleRemoteBytesRead) {

    public boolean spilled() {
      return memoryBytesSpilled > 0 || diskBytesSpilled > 0;
    }
  }
}
