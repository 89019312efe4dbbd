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

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockManagerId;
import scala.Option;

/**
 * Map output survives the decommissioning of the worker that wrote it: its executor migrates the
 * shuffle files to a surviving executor before it exits, the driver's map-output locations move,
 * and the reduce stage reads the migrated blocks without recomputing the map stage.
 *
 * <p>Steps: wait until the two executors are registered (so each runs map tasks); run the
 * shuffle's map stage alone ({@code SparkContext.submitMapStage}); report where each map output
 * is; print {@code FACT ready-for-decommission=HOST} and wait until every executor on HOST has
 * been removed. Meanwhile the test decommissions the worker on HOST (SIGPWR to the Worker
 * process, as an operator or a cloud's preemption notice does). Then report the locations again
 * and collect the reduce side. Facts as in {@link DynamicAllocationJob}, plus the map-output
 * locations before and after ("mapId@executorId@host").
 *
 * <p>Expects from spark-submit: {@code spark.decommission.enabled},
 * {@code spark.storage.decommission.enabled} and {@code ...shuffleBlocks.enabled}; a short
 * {@code spark.storage.decommission.replicationReattemptInterval} (an executor exits only after a
 * migration round that started after its last task and found nothing left: with the default
 * 30 s that is a 30 s wait); {@code spark.cores.max=2} with one core per executor. Arguments:
 * the host whose worker will be decommissioned, seconds to wait for its executors' removal
 * (default 180).
 */
public final class DecommissionJob {
  private DecommissionJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: DecommissionJob HOST_TO_DECOMMISSION [SECONDS]");
    }
    String decommissionedHost = args[0];
    long removalTimeoutSeconds = args.length > 1 ? Long.parseLong(args[1]) : 180;
    SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "decommission-job");
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      Facts.print("app-id", jsc.sc().applicationId());
      JobEvidence evidence = JobEvidence.register(jsc.sc());
      awaitExecutors(jsc, 2, removalTimeoutSeconds);

      GroupedRecords job = new GroupedRecords(jsc);
      ShuffleDependency<?, ?, ?> dependency = job.dependency();
      int shuffleId = dependency.shuffleId();
      jsc.sc().submitMapStage(dependency).get();
      JobEvidence.drain(jsc.sc());
      int mapStageId = evidence.mapStageId(shuffleId);
      List<JobEvidence.TaskEnd> mapTasks = evidence.successfulTasksOfStage(mapStageId);
      Facts.print("map-executors", JobEvidence.executorsOf(mapTasks));
      Facts.print("map-output-locations-before", locations(shuffleId, mapTasks));
      Set<String> executorsOnHost = new TreeSet<>();
      mapTasks.stream()
          .filter(t -> t.host().equals(decommissionedHost))
          .forEach(t -> executorsOnHost.add(t.executorId()));

      Facts.print("ready-for-decommission", decommissionedHost);
      Set<String> removed = evidence.awaitRemoved(executorsOnHost, removalTimeoutSeconds);
      Facts.print("decommissioned-executors-removed-before-reduce", removed);
      Facts.print("removal-reasons", evidence.removalReasons(removed));
      Facts.print("map-output-locations-after", locations(shuffleId, mapTasks));

      Map<Integer, GroupedRecords.Stats> actual = job.collectStats();
      JobEvidence.drain(jsc.sc());
      List<JobEvidence.TaskEnd> reduceTasks =
          evidence.tasks(t -> t.stageId() > mapStageId && t.successful());
      Facts.print("reduce-executors", JobEvidence.executorsOf(reduceTasks));
      evidence.printOutcome(shuffleId, job, actual);
    }
  }

  /** Polls the status tracker until {@code count} executors (the driver not counted) are up. */
  private static void awaitExecutors(JavaSparkContext jsc, int count, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int executors;
    while ((executors = jsc.sc().statusTracker().getExecutorInfos().length - 1) < count
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Facts.print("executors-at-start", executors);
  }

  /** "mapId@executorId@host" of each map output, as the driver's MapOutputTracker has it. */
  private static List<String> locations(int shuffleId, List<JobEvidence.TaskEnd> mapTasks) {
    MapOutputTrackerMaster tracker = (MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker();
    return mapTasks.stream()
        .map(
            t -> {
              Option<BlockManagerId> location = tracker.getMapOutputLocation(shuffleId, t.taskId());
              return t.taskId()
                  + "@"
                  + (location.isDefined()
                      ? location.get().executorId() + "@" + location.get().host()
                      : "none");
            })
        .sorted()
        .toList();
  }
}
