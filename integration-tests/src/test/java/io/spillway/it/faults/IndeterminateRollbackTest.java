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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.spillway.it.Data;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.DeterministicLevel;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * Stage rollback of an indeterminate stage on a {@code local-cluster} with two executors:
 * {@code repartition(6)} of input whose order really changes when it is recomputed (a
 * {@code reduceByKey} output, shuffled in each task with a fresh random seed), read by a stage
 * that loses an executor ({@code kill -9}) after its first tasks finished, while later ones wait.
 * The surviving readers hit
 * a fetch failure of the repartition's shuffle; because that shuffle is indeterminate, Spark must
 * rerun all of its map tasks and every task that read it, not only the lost outputs (a partial
 * rerun deals the records round-robin over a different order, so some are read twice and some
 * never). The result must equal the driver-side oracle.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IndeterminateRollbackTest {

  private static Path directory;
  private static JavaSparkContext jsc;
  private static FaultListener listener;

  @BeforeAll
  static void startCluster() {
    directory = FaultCluster.freshDirectory("indeterminate-rollback");
    jsc = FaultCluster.newContext(FaultCluster.localClusterConf("indeterminate-rollback",
        directory.resolve("local"), 768));
    listener = FaultListener.register(jsc);
  }

  @AfterAll
  static void stopCluster() {
    FaultCluster.stop(jsc);
  }

  @BeforeEach
  void twoLiveExecutors() {
    FaultCluster.awaitTwoExecutors(jsc);
    listener.clear(jsc);
  }

  @Test
  void repartitionOfUnorderedInputIsRolledBackAfterAnExecutorLoss() throws Exception {
    long seed = 21L;
    int mapPartitions = 4;
    int perPartition = 20_000;
    int keys = 30_000;
    TaskSignals signals = new TaskSignals(directory.resolve("signals"));

    JavaRDD<Long> unordered = Data.pairs(jsc, seed, mapPartitions, perPartition, keys)
        .mapToPair(r -> new Tuple2<>(r._1(), (long) r._2()))
        .reduceByKey(Long::sum, 4)
        .map(r -> r._1() * 1_000_003L + r._2())
        .mapPartitions(values -> {
          // An order that differs in every attempt: what "unordered" allows.
          List<Long> list = new ArrayList<>();
          values.forEachRemaining(list::add);
          Collections.shuffle(list, new Random(System.nanoTime()));
          return list.iterator();
        });
    JavaRDD<Long> repartitioned = unordered.repartition(6);
    assertEquals(DeterministicLevel.INDETERMINATE(), repartitioned.rdd().outputDeterministicLevel(),
        "the repartition must be indeterminate for this test to mean anything");
    int repartitionShuffle = firstShuffleIdBelow(repartitioned.rdd());

    // The stage that reads the repartition is a map stage (a result stage that already returned
    // rows could not be rolled back, and Spark would abort the job instead).
    // Partitions 0 and 1 run first and finish, having read the original deal; 2 and up wait in
    // their first attempt, so the kill comes after part of the stage has completed. A partial
    // rerun would keep 0 and 1 and deal the recomputed outputs differently for the rest.
    JavaPairRDD<Long, Long> byBucket = repartitioned.mapPartitions(values -> {
      if (TaskContext.getPartitionId() >= 2 && TaskSignals.firstAttempt() && !signals.released()) {
        signals.signal("read-" + TaskContext.getPartitionId());
        signals.awaitRelease();
      }
      return values;
    }).mapToPair(v -> new Tuple2<>(Math.floorMod(v, 97L), v));
    JavaPairRDD<Long, Long> sums = byBucket.reduceByKey(Long::sum, 3);

    JavaFutureAction<List<Tuple2<Long, Long>>> job = sums.collectAsync();
    TaskSignals.Signal victim;
    Set<String> withMapOutput;
    try {
      List<TaskSignals.Signal> running = signals.awaitSignals("read-", 2, job);
      Set<String> runningExecutors = running.stream().map(TaskSignals.Signal::executorId)
          .collect(Collectors.toSet());
      assertEquals(2, runningExecutors.size(), () -> "one waiting reader per executor: " + running);
      withMapOutput = listener.events(jsc).executorsWithMapOutput(repartitionShuffle);
      victim = running.stream().filter(s -> withMapOutput.contains(s.executorId())).findFirst()
          .orElseThrow(() -> new AssertionError("no reading task runs on an executor with output of shuffle "
              + repartitionShuffle + ": output on " + withMapOutput + ", tasks " + running));
      ExecutorKillTest.killDashNine(victim.pid());
    } finally {
      signals.release();
    }

    Map<Long, Long> result = new HashMap<>();
    for (Tuple2<Long, Long> bucket : job.get(4, TimeUnit.MINUTES)) {
      assertFalse(result.containsKey(bucket._1()), "bucket twice: " + bucket._1());
      result.put(bucket._1(), bucket._2());
    }
    assertEquals(oracle(seed, mapPartitions, perPartition, keys), result,
        "sums after an executor was lost while the indeterminate repartition was read");
    FaultListener.Events events = listener.events(jsc);
    System.out.printf("indeterminate rollback: killed executor %s (pid %d); output of shuffle %d was on %s%n%s%n",
        victim.executorId(), victim.pid(), repartitionShuffle, withMapOutput, events.describe());
    assertFalse(events.fetchFailures(repartitionShuffle).isEmpty(),
        () -> "a reader must have hit a FetchFailedException for shuffle " + repartitionShuffle + "\n"
            + events.describe());
    assertFalse(events.mapStageRetries(repartitionShuffle).isEmpty(),
        () -> "the repartition's map stage must have been resubmitted\n" + events.describe());
  }

  /** The sums per bucket on the driver: the same records, no partitioning involved. */
  private static Map<Long, Long> oracle(long seed, int partitions, int perPartition, int keys) {
    Map<Integer, Long> perKey = new HashMap<>();
    Data.local(seed, partitions, perPartition, keys).forEachRemaining(r -> perKey.merge(r._1(), (long) r._2(), Long::sum));
    Map<Long, Long> buckets = new HashMap<>();
    perKey.forEach((key, sum) -> {
      long v = key * 1_000_003L + sum;
      buckets.merge(Math.floorMod(v, 97L), v, Long::sum);
    });
    return buckets;
  }

  /** The id of the nearest shuffle dependency in the lineage of {@code rdd}. */
  private static int firstShuffleIdBelow(RDD<?> rdd) {
    for (Dependency<?> dependency : scala.jdk.javaapi.CollectionConverters.asJava(rdd.dependencies())) {
      if (dependency instanceof ShuffleDependency<?, ?, ?> shuffle) {
        return shuffle.shuffleId();
      }
      int below = firstShuffleIdBelow(dependency.rdd());
      if (below >= 0) {
        return below;
      }
    }
    return -1;
  }
}
