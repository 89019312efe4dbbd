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
package io.spillway.it.edge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

/**
 * What happened to every task: starts, ends, which shuffle map tasks succeeded (their task ids
 * are the map ids in the shuffle file names), which attempts were killed, and which shuffles the
 * submitted stages write. Read it after {@link #drain}: listener events arrive asynchronously.
 */
final class TaskLog extends SparkListener {

  /** One killed attempt. */
  record Killed(
      long taskId,
      int index,
      int attempt,
      boolean speculative,
      String executorId,
      String host,
      String reason,
      long diskBytesSpilled,
      String taskType) {}

  private int started;
  private int ended;
  private final Set<Long> successfulMapTasks = new HashSet<>();
  private final List<Killed> killed = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Set<Integer> shuffleIds = new HashSet<>();

  static TaskLog register(SparkContext sc) {
    TaskLog log = new TaskLog();
    sc.addSparkListener(log);
    return log;
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart taskStart) {
    started++;
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    ended++;
    TaskInfo info = taskEnd.taskInfo();
    if (taskEnd.reason() == Success$.MODULE$) {
      if ("ShuffleMapTask".equals(taskEnd.taskType())) {
        successfulMapTasks.add(info.taskId());
      }
    } else if (taskEnd.reason() instanceof TaskKilled k) {
      TaskMetrics metrics = taskEnd.taskMetrics();
      killed.add(
          new Killed(
              info.taskId(),
              info.index(),
              info.attemptNumber(),
              info.speculative(),
              info.executorId(),
              info.host(),
              k.reason(),
              metrics == null ? -1 : metrics.diskBytesSpilled(),
              taskEnd.taskType()));
    } else {
      failures.add(
          "task "
              + info.taskId()
              + " ("
              + taskEnd.taskType()
              + " "
              + info.index()
              + "."
              + info.attemptNumber()
              + "): "
              + taskEnd.reason());
    }
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted stageSubmitted) {
    scala.Option<Object> shuffle = stageSubmitted.stageInfo().shuffleDepId();
    if (shuffle.isDefined()) {
      shuffleIds.add((Integer) shuffle.get());
    }
  }

  /** Waits until every event posted so far was delivered. */
  TaskLog drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(60_000L);
    } catch (TimeoutException e) {
      throw new IllegalStateException("listener bus not drained within 60 s", e);
    }
    return this;
  }

  /** Waits until every task that started has ended (killed tasks end after their clean-up). */
  void awaitAllTasksEnded(SparkContext sc, long timeoutMillis) {
    EdgeSupport.await(
        "every started task to end", timeoutMillis, () -> drain(sc).allEnded(), this::toString);
  }

  synchronized boolean allEnded() {
    return started == ended;
  }

  synchronized Set<Long> successfulMapTasks() {
    return new HashSet<>(successfulMapTasks);
  }

  synchronized List<Killed> killed() {
    return new ArrayList<>(killed);
  }

  synchronized List<String> failures() {
    return new ArrayList<>(failures);
  }

  synchronized Set<Integer> shuffleIds() {
    return new HashSet<>(shuffleIds);
  }

  synchronized int started() {
    return started;
  }

  @Override
  public synchronized String toString() {
    return "TaskLog{started="
        + started
        + ", ended="
        + ended
        + ", successful map tasks="
        + successfulMapTasks
        + ", killed="
        + killed
        + ", failures="
        + failures
        + "}";
  }
}
