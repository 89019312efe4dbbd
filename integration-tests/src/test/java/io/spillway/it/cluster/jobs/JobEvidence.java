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
package io.spillway.it.cluster.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.FetchFailed;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.Option;

/**
 * What the driver saw while a fault job ran, from Spark's listener events: each task's stage,
 * executor, host, outcome and shuffle-read bytes; each submitted stage attempt that writes a
 * shuffle; and each removed executor with its reason. Listener events arrive asynchronously, so
 * readers call {@link #drain} first.
 */
public final class JobEvidence extends SparkListener {

  /** One finished task attempt. */
  public record TaskEnd(
      int stageId,
      int stageAttempt,
      long taskId,
      String executorId,
      String host,
      boolean successful,
      boolean fetchFailed,
      String reason,
      long remoteBytesRead,
      long localBytesRead) {}

  private final List<TaskEnd> tasks = new ArrayList<>();

  /** shuffle id -> "stageId.attempt" of every submitted attempt of the stage that writes it */
  private final Map<Integer, List<String>> shuffleMapStageAttempts = new HashMap<>();

  private final Map<String, String> removedExecutors = new ConcurrentHashMap<>();

  public static JobEvidence register(SparkContext sc) {
    JobEvidence evidence = new JobEvidence();
    sc.addSparkListener(evidence);
    return evidence;
  }

  /** Waits until every event posted so far reached this listener. */
  public static void drain(SparkContext sc) throws TimeoutException {
    sc.listenerBus().waitUntilEmpty(60_000L);
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted event) {
    StageInfo info = event.stageInfo();
    Option<Object> shuffleId = info.shuffleDepId();
    if (shuffleId.isDefined()) {
      shuffleMapStageAttempts
          .computeIfAbsent((Integer) shuffleId.get(), id -> new ArrayList<>())
          .add(info.stageId() + "." + info.attemptNumber());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
    TaskMetrics metrics = event.taskMetrics();
    boolean successful = event.reason() instanceof Success$;
    tasks.add(
        new TaskEnd(
            event.stageId(),
            event.stageAttemptId(),
            event.taskInfo().taskId(),
            event.taskInfo().executorId(),
            event.taskInfo().host(),
            successful,
            event.reason() instanceof FetchFailed,
            successful ? "" : event.reason().toString(),
            metrics == null ? 0 : metrics.shuffleReadMetrics().remoteBytesRead(),
            metrics == null ? 0 : metrics.shuffleReadMetrics().localBytesRead()));
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
    removedExecutors.put(event.executorId(), event.reason());
  }

  public synchronized List<TaskEnd> tasks(Predicate<TaskEnd> filter) {
    return tasks.stream().filter(filter).collect(Collectors.toList());
  }

  /** Successful task attempts of one stage. */
  public List<TaskEnd> successfulTasksOfStage(int stageId) {
    return tasks(t -> t.stageId() == stageId && t.successful());
  }

  /** "stageId.attempt" of every attempt submitted for the stage that writes this shuffle. */
  public synchronized List<String> mapStageAttempts(int shuffleId) {
    return List.copyOf(shuffleMapStageAttempts.getOrDefault(shuffleId, List.of()));
  }

  /** The stage that wrote this shuffle (its first attempt). */
  public int mapStageId(int shuffleId) {
    List<String> attempts = mapStageAttempts(shuffleId);
    if (attempts.isEmpty()) {
      throw new IllegalStateException("no stage was submitted for shuffle " + shuffleId);
    }
    return Integer.parseInt(attempts.get(0).substring(0, attempts.get(0).indexOf('.')));
  }

  public Set<String> removedExecutors() {
    return new TreeSet<>(removedExecutors.keySet());
  }

  public String removalReason(String executorId) {
    return removedExecutors.get(executorId);
  }

  /**
   * Waits until every one of {@code executorIds} has been removed, or {@code timeoutSeconds}
   * passed; returns those of them that were removed (the caller asserts on it).
   */
  public Set<String> awaitRemoved(Set<String> executorIds, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!removedExecutors().containsAll(executorIds) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Set<String> removed = removedExecutors();
    removed.retainAll(executorIds);
    return removed;
  }

  /**
   * The facts every cluster job ends with: map stage attempts, fetch failures, failed tasks, the
   * shuffle manager each side ran with, and the result against the oracle.
   */
  void printOutcome(int shuffleId, GroupedRecords job, Map<Integer, GroupedRecords.Stats> actual) {
    Facts.print("map-stage-attempts", mapStageAttempts(shuffleId));
    Facts.print("fetch-failures", tasks(TaskEnd::fetchFailed).size());
    Facts.print(
        "failed-tasks",
        tasks(t -> !t.successful()).stream()
            .map(t -> t.stageId() + "/" + t.executorId() + ": " + t.reason())
            .toList());
    Facts.print("map-side-managers", job.mapSideManagers());
    Facts.print("reduce-side-managers", job.reduceSideManagers());
    Facts.print("result-vs-oracle", GroupedRecords.compare(actual, GroupedRecords.oracle()));
  }

  /** "id: reason" of each removed executor, for the facts a job prints. */
  public List<String> removalReasons(Set<String> executorIds) {
    return executorIds.stream().map(id -> id + ": " + removalReason(id)).toList();
  }

  /** Executor ids that ran the given tasks, "id@host". */
  public static Set<String> executorsOf(List<TaskEnd> tasks) {
    return tasks.stream()
        .map(t -> t.executorId() + "@" + t.host())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Executor ids that ran the given tasks. */
  public static Set<String> executorIdsOf(List<TaskEnd> tasks) {
    return tasks.stream().map(TaskEnd::executorId).collect(Collectors.toCollection(TreeSet::new));
  }
}
