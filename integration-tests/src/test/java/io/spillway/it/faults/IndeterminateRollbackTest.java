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

import io.spillway.it.Data;
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
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.DeterministicLevel;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * Stage rollback of an indeterminate stage on a {@code local-cluster} with two executors: a
 * repartition of input whose order really changes when it is recomputed (a {@code reduceByKey}
 * output, shuffled in each task with a fresh random seed), read by a stage that loses an executor
 * ({@code kill -9}) after its first tasks finished, while later ones wait. The surviving readers
 * hit a fetch failure of the repartition's shuffle; because that shuffle is indeterminate, Spark
 * must rerun all of its map tasks and every task that read it, not only the lost outputs (a
 * partial rerun deals the records round-robin over a different order, so some are read twice and
 * some never). The result must equal the driver-side oracle.
 *
 * <p>Three ways Spark finds out that the stage must be rolled back, one case each:
 *
 * <ul>
 *   <li>RDD {@code repartition(6)}: the RDD is statically indeterminate.
 *   <li>SQL {@code repartition(6)} (round-robin, {@code spark.sql.execution.sortBeforeRepartition}
 *       off, so the deal depends on the input order) with the order-independent row checksums on
 *       (Spark 4.1 and 4.2's default): Spark then skips the static rollback and rolls back only
 *       when a rerun map task reports a checksum different from its first attempt's, so the
 *       checksum Spillway puts in each {@code MapStatus} is what keeps the answer right.
 *   <li>The same with the checksum settings off: the static rollback again.
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IndeterminateRollbackTest {
  private static final long SEED = 21L;
  private static final int MAP_PARTITIONS = 4;
  private static final int PER_PARTITION = 20_000;
  private static final int KEYS = 30_000;
  private static final String CHECKSUMS = "spark.sql.shuffle.orderIndependentChecksum.enabled";
  private static final String FULL_RETRY_ON_MISMATCH =
      "spark.sql.shuffle.orderIndependentChecksum.enableFullRetryOnMismatch";

  private static Path directory;
  private static JavaSparkContext jsc;
  private static FaultListener listener;

  @BeforeAll
  static void startCluster() {
    directory = FaultCluster.freshDirectory("indeterminate-rollback");
    jsc =
        FaultCluster.newContext(
            FaultCluster.localClusterConf(
                "indeterminate-rollback", directory.resolve("local"), 768));
    listener = FaultListener.register(jsc);
  }

  @AfterAll
  static void stopCluster() {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    FaultCluster.stop(jsc);
  }

  @BeforeEach
  void twoLiveExecutors() {
    FaultCluster.awaitTwoExecutors(jsc);
    listener.clear(jsc);
  }

  @Test
  void repartitionOfUnorderedInputIsRolledBackAfterAnExecutorLoss() throws Exception {
    JavaRDD<Long> repartitioned = unorderedInput().repartition(6);
    Outcome outcome = readWhileAnExecutorDies(repartitioned);
    assertEquals(
        oracle(),
        outcome.sums(),
        "sums after an executor was lost while the indeterminate repartition was read");
    assertRolledBack(outcome);
  }

  @ParameterizedTest(name = "row checksums {0}")
  @ValueSource(booleans = {true, false})
  void sqlRepartitionOfUnorderedInputIsRolledBackAfterAnExecutorLoss(boolean rowChecksums)
      throws Exception {
    SparkSession spark = sqlSession(rowChecksums);
    Outcome outcome = readWhileAnExecutorDies(sqlRepartition(spark));
    assertEquals(
        oracle(),
        outcome.sums(),
        "sums after an executor was lost while the"
            + " indeterminate SQL repartition was read (row checksums "
            + rowChecksums
            + ")");
    assertRolledBack(outcome);
  }

  /** What a case observed: the sums per bucket, the scheduler's events, the repartition's id. */
  private record Outcome(Map<Long, Long> sums, FaultListener.Events events, int shuffle) {}

  /** Pairs reduced by key and dealt in an order that differs in every attempt. */
  private static JavaRDD<Long> unorderedInput() {
    return Data.pairs(jsc, SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
        .mapToPair(r -> new Tuple2<>(r._1(), (long) r._2()))
        .reduceByKey(Long::sum, 4)
        .map(r -> r._1() * 1_000_003L + r._2())
        .mapPartitions(
            values -> {
              // An order that differs in every attempt: what "unordered" allows.
              List<Long> list = new ArrayList<>();
              values.forEachRemaining(list::add);
              Collections.shuffle(list, new Random(System.nanoTime()));
              return list.iterator();
            });
  }

  /**
   * A session of its own per case, so its settings do not leak: the round-robin repartition is
   * not sorted first (sorted, its deal would not depend on the input order, and no rollback would
   * be needed), and the two row-checksum settings are {@code rowChecksums}.
   */
  private static SparkSession sqlSession(boolean rowChecksums) {
    SparkSession spark = SparkSession.builder().getOrCreate().newSession();
    spark.conf().set("spark.sql.execution.sortBeforeRepartition", "false");
    spark.conf().set(CHECKSUMS, Boolean.toString(rowChecksums));
    spark.conf().set(FULL_RETRY_ON_MISMATCH, Boolean.toString(rowChecksums));
    return spark;
  }

  /** The unordered input as a one-column DataFrame, {@code repartition(6)}, back as values. */
  private static JavaRDD<Long> sqlRepartition(SparkSession spark) {
    StructType schema = new StructType().add("v", DataTypes.LongType, false);
    JavaRDD<Row> rows = unorderedInput().map(RowFactory::create);
    return spark.createDataFrame(rows, schema).repartition(6).javaRDD().map(r -> r.getLong(0));
  }

  /**
   * Reads {@code repartitioned} in a map stage and kills, with {@code kill -9}, an executor that
   * holds part of its map output while that stage runs. (A result stage that already returned
   * rows could not be rolled back, and Spark would abort the job instead.) Partitions 0 and 1 run
   * first and read the original deal to the end; 2 and up wait in their first attempt. The victim
   * is chosen so that a finished reader survives it: only then does a partial rerun leave a
   * reader with the first deal beside readers of the recomputed one, which gives wrong sums
   * (readers on the lost executor are rerun anyway, and would hide the difference).
   */
  private static Outcome readWhileAnExecutorDies(JavaRDD<Long> repartitioned) throws Exception {
    assertEquals(
        DeterministicLevel.INDETERMINATE(),
        repartitioned.rdd().outputDeterministicLevel(),
        "the repartition must be indeterminate for this test to mean anything");
    int repartitionShuffle = firstShuffleIdBelow(repartitioned.rdd());
    TaskSignals signals = new TaskSignals(directory.resolve("signals-" + System.nanoTime()));
    JavaPairRDD<Long, Long> byBucket =
        repartitioned
            .mapPartitions(
                values -> {
                  int partition = TaskContext.getPartitionId();
                  if (partition < 2) {
                    return signals.signalWhenExhausted(values, "done-" + partition);
                  }
                  if (TaskSignals.firstAttempt() && !signals.released()) {
                    signals.signal("read-" + partition);
                    signals.awaitRelease();
                  }
                  return values;
                })
            .mapToPair(v -> new Tuple2<>(Math.floorMod(v, 97L), v));
    JavaPairRDD<Long, Long> sums = byBucket.reduceByKey(Long::sum, 3);

    JavaFutureAction<List<Tuple2<Long, Long>>> job = sums.collectAsync();
    String victim;
    Set<String> withMapOutput;
    try {
      List<TaskSignals.Signal> running = signals.awaitSignals("read-", 2, job);
      List<TaskSignals.Signal> done = signals.awaitSignals("done-", 2, job);
      Set<String> runningExecutors =
          running.stream().map(TaskSignals.Signal::executorId).collect(Collectors.toSet());
      assertEquals(2, runningExecutors.size(), () -> "one waiting reader per executor: " + running);
      withMapOutput = listener.events(jsc).executorsWithMapOutput(repartitionShuffle);
      TaskSignals.Signal chosen =
          running.stream()
              .filter(s -> withMapOutput.contains(s.executorId()))
              .filter(s -> done.stream().anyMatch(d -> !d.executorId().equals(s.executorId())))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no executor both holds output of shuffle "
                              + repartitionShuffle
                              + " and leaves a finished reader alive: output on "
                              + withMapOutput
                              + ", waiting "
                              + running
                              + ", finished "
                              + done));
      victim = chosen.executorId() + " (pid " + chosen.pid() + "; finished readers " + done + ")";
      ExecutorKillTest.killDashNine(chosen.pid());
    } finally {
      signals.release();
    }

    Map<Long, Long> result = new HashMap<>();
    for (Tuple2<Long, Long> bucket : job.get(4, TimeUnit.MINUTES)) {
      assertFalse(result.containsKey(bucket._1()), "bucket twice: " + bucket._1());
      result.put(bucket._1(), bucket._2());
    }
    FaultListener.Events events = listener.events(jsc);
    System.out.printf(
        "indeterminate rollback: killed executor %s; output of shuffle %d was on %s%n%s%n",
        victim, repartitionShuffle, withMapOutput, events.describe());
    return new Outcome(result, events, repartitionShuffle);
  }

  private static void assertRolledBack(Outcome outcome) {
    assertFalse(
        outcome.events().fetchFailures(outcome.shuffle()).isEmpty(),
        () ->
            "a reader must have hit a FetchFailedException for shuffle "
                + outcome.shuffle()
                + "\n"
                + outcome.events().describe());
    assertFalse(
        outcome.events().mapStageRetries(outcome.shuffle()).isEmpty(),
        () ->
            "the repartition's map stage must have been resubmitted\n"
                + outcome.events().describe());
  }

  /** The sums per bucket on the driver: the same records, no partitioning involved. */
  private static Map<Long, Long> oracle() {
    Map<Integer, Long> perKey = new HashMap<>();
    Data.local(SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
        .forEachRemaining(r -> perKey.merge(r._1(), (long) r._2(), Long::sum));
    Map<Long, Long> buckets = new HashMap<>();
    perKey.forEach(
        (key, sum) -> {
          long v = key * 1_000_003L + sum;
          buckets.merge(Math.floorMod(v, 97L), v, Long::sum);
        });
    return buckets;
  }

  /** The id of the nearest shuffle dependency in the lineage of {@code rdd}. */
  private static int firstShuffleIdBelow(RDD<?> rdd) {
    for (Dependency<?> dependency :
        scala.jdk.javaapi.CollectionConverters.asJava(rdd.dependencies())) {
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
