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
package io.spillway.it.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.FetchFailed;
import org.apache.spark.Success$;
import org.apache.spark.TaskEndReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * What the scheduler saw while a fault test ran: every submitted stage attempt, every task end
 * with its reason. Events arrive asynchronously: read through {@link #events}, which drains the
 * listener bus first.
 */
final class FaultListener extends SparkListener {

  /** A stage attempt that was submitted; {@code shuffleId} is -1 for a result stage. */
  record StageAttempt(int stageId, int attempt, int shuffleId, String name) {}

  /** A finished task; {@code shuffleId} of its stage, -1 for a result task. */
  record TaskEnd(
      int stageId, int stageAttempt, int shuffleId, String executorId, TaskEndReason reason) {

    boolean succeeded() {
      return reason == Success$.MODULE$;
    }
  }

  /** Everything seen so far. */
  record Events(List<StageAttempt> stages, List<TaskEnd> tasks) {

    List<FetchFailed> fetchFailures(int shuffleId) {
      return tasks.stream()
          .filter(t -> t.reason() instanceof FetchFailed f && f.shuffleId() == shuffleId)
          .map(t -> (FetchFailed) t.reason())
          .collect(Collectors.toList());
    }

    List<ExecutorLostFailure> executorLosses() {
      return tasks.stream()
          .filter(t -> t.reason() instanceof ExecutorLostFailure)
          .map(t -> (ExecutorLostFailure) t.reason())
          .collect(Collectors.toList());
    }

    /** Map stage attempts after the first of the shuffle's map stage: it was recomputed. */
    List<StageAttempt> mapStageRetries(int shuffleId) {
      return stages.stream()
          .filter(s -> s.shuffleId() == shuffleId && s.attempt() > 0)
          .collect(Collectors.toList());
    }

    /** Executors on which a map task of the shuffle succeeded. */
    Set<String> executorsWithMapOutput(int shuffleId) {
      return tasks.stream()
          .filter(t -> t.shuffleId() == shuffleId && t.succeeded())
          .map(TaskEnd::executorId)
          .collect(Collectors.toCollection(TreeSet::new));
    }

    /** For failure messages: the stage attempts and failed tasks, one per line. */
    String describe() {
      StringBuilder text = new StringBuilder("stage attempts:");
      stages.forEach(s -> text.append("\n  ").append(s));
      text.append("\nfailed tasks:");
      tasks.stream()
          .filter(t -> !t.succeeded())
          .forEach(
              t ->
                  text.append("\n  stage ")
                      .append(t.stageId())
                      .append('.')
                      .append(t.stageAttempt())
                      .append(" on executor ")
                      .append(t.executorId())
                      .append(": ")
                      .append(brief(t.reason())));
      return text.toString();
    }

    /** A reason in one line: no stack traces (a FetchFailed's message carries one). */
    static String brief(TaskEndReason reason) {
      if (reason instanceof FetchFailed f) {
        return "FetchFailed(from "
            + (f.bmAddress() == null ? "?" : f.bmAddress().executorId())
            + ", shuffle "
            + f.shuffleId()
            + ", map id "
            + f.mapId()
            + ", reduce "
            + f.reduceId()
            + "): "
            + firstLine(f.message());
      }
      if (reason instanceof org.apache.spark.TaskFailedReason failed) {
        return firstLine(failed.toErrorString());
      }
      return reason.toString();
    }

    private static String firstLine(String text) {
      if (text == null) {
        return "null";
      }
      int newline = text.indexOf('\n');
      return newline < 0 ? text : text.substring(0, newline);
    }
  }

  private final List<StageAttempt> stages = new ArrayList<>();
  private final List<TaskEnd> tasks = new ArrayList<>();

  /** Stage id to the shuffle its map stage writes, -1 for a result stage. */
  private final java.util.Map<Integer, Integer> shuffleOfStage = new java.util.HashMap<>();

  static FaultListener register(JavaSparkContext jsc) {
    FaultListener listener = new FaultListener();
    jsc.sc().addSparkListener(listener);
    return listener;
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    StageInfo info = submitted.stageInfo();
    int shuffleId = info.shuffleDepId().isDefined() ? (Integer) info.shuffleDepId().get() : -1;
    shuffleOfStage.put(info.stageId(), shuffleId);
    stages.add(new StageAttempt(info.stageId(), info.attemptNumber(), shuffleId, info.name()));
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    tasks.add(
        new TaskEnd(
            end.stageId(),
            end.stageAttemptId(),
            shuffleOfStage.getOrDefault(end.stageId(), -1),
            end.taskInfo().executorId(),
            end.reason()));
  }

  /** Forgets what was seen (between two tests sharing a SparkContext). */
  void clear(JavaSparkContext jsc) {
    drain(jsc);
    synchronized (this) {
      stages.clear();
      tasks.clear();
    }
  }

  /** Everything seen up to now, after the listener bus delivered every event posted so far. */
  Events events(JavaSparkContext jsc) {
    drain(jsc);
    synchronized (this) {
      return new Events(List.copyOf(stages), List.copyOf(tasks));
    }
  }

  private static void drain(JavaSparkContext jsc) {
    try {
      jsc.sc().listenerBus().waitUntilEmpty(FaultCluster.GENEROUS_TIMEOUT_MILLIS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("listener bus not drained", e);
    }
  }
}
