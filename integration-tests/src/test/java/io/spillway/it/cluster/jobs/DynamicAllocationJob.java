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
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Map output outlives the executors that wrote it: with the external shuffle service and dynamic
 * allocation, the map stage runs, its executors go idle and are removed, and only then does the
 * reduce stage run, on new executors, fetching every block from the shuffle service.
 *
 * <p>Steps: run the shuffle's map stage alone ({@code SparkContext.submitMapStage}, the hook
 * adaptive query execution uses; nothing reads the shuffle yet); wait until every executor that
 * ran a map task has been removed ({@code spark.dynamicAllocation.executorIdleTimeout}); then
 * collect the reduce side, which makes dynamic allocation start new executors. Reports, as facts:
 * the map and reduce executors, which map executors were gone before the reduce stage, the
 * attempts of the map stage (1 unless a fetch failure made Spark recompute it), fetch failures,
 * the reduce tasks' remote and local shuffle bytes, the shuffle manager class of every task's JVM,
 * and the comparison with the driver-side oracle.
 *
 * <p>Expects from spark-submit: {@code spark.dynamicAllocation.enabled=true},
 * {@code spark.shuffle.service.enabled=true} and its port, a short idle timeout, and
 * {@code spark.shuffle.readHostLocalDisk=false} (else a new executor on the same host reads the
 * removed executor's files straight from disk, and the service would only be asked for the
 * directories). Argument: seconds to wait for the removal (default 180).
 */
public final class DynamicAllocationJob {
  private DynamicAllocationJob() {}

  public static void main(String[] args) throws Exception {
    long removalTimeoutSeconds = args.length > 0 ? Long.parseLong(args[0]) : 180;
    SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "dynamic-allocation-job");
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      Facts.print("app-id", jsc.sc().applicationId());
      Facts.print(
          "dynamic-allocation", jsc.getConf().get("spark.dynamicAllocation.enabled", "false"));
      Facts.print("shuffle-service", jsc.getConf().get("spark.shuffle.service.enabled", "false"));
      JobEvidence evidence = JobEvidence.register(jsc.sc());
      GroupedRecords job = new GroupedRecords(jsc);
      ShuffleDependency<?, ?, ?> dependency = job.dependency();
      int shuffleId = dependency.shuffleId();

      jsc.sc().submitMapStage(dependency).get();
      JobEvidence.drain(jsc.sc());
      int mapStageId = evidence.mapStageId(shuffleId);
      Set<String> mapExecutors =
          JobEvidence.executorIdsOf(evidence.successfulTasksOfStage(mapStageId));
      Facts.print(
          "map-executors", JobEvidence.executorsOf(evidence.successfulTasksOfStage(mapStageId)));

      Set<String> removedBeforeReduce = evidence.awaitRemoved(mapExecutors, removalTimeoutSeconds);
      Facts.print("map-executors-removed-before-reduce", removedBeforeReduce);
      Facts.print("removal-reasons", evidence.removalReasons(removedBeforeReduce));

      Map<Integer, GroupedRecords.Stats> actual = job.collectStats();
      JobEvidence.drain(jsc.sc());
      List<JobEvidence.TaskEnd> reduceTasks =
          evidence.tasks(t -> t.stageId() > mapStageId && t.successful());
      Facts.print("reduce-executors", JobEvidence.executorsOf(reduceTasks));
      Facts.print(
          "reduce-remote-bytes-read",
          reduceTasks.stream().mapToLong(JobEvidence.TaskEnd::remoteBytesRead).sum());
      Facts.print(
          "reduce-local-bytes-read",
          reduceTasks.stream().mapToLong(JobEvidence.TaskEnd::localBytesRead).sum());
      evidence.printOutcome(shuffleId, job, actual);
    }
  }
}
