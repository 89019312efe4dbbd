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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spillway.it.Data;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
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
import scala.Tuple2;

/**
 * The scenario of {@link IndeterminateRollbackTest} and {@link ZeroChecksumNegativeControlTest}
 * on one {@code local-cluster} with two executors: an indeterminate shuffle is read by a map stage
 * that loses an executor ({@code kill -9}) after its first tasks finished, while later ones wait.
 * See {@link IndeterminateRollbackTest} for what the cases mean.
 */
final class RollbackScenario implements AutoCloseable {
  static final long SEED = 21L;
  private static final int MAP_PARTITIONS = 4;
  private static final int PER_PARTITION = 20_000;
  private static final int KEYS = 30_000;
  static final String CHECKSUMS = "spark.sql.shuffle.orderIndependentChecksum.enabled";
  static final String FULL_RETRY_ON_MISMATCH =
      "spark.sql.shuffle.orderIndependentChecksum.enableFullRetryOnMismatch";

  private final Path directory;
  private final JavaSparkContext jsc;
  private final FaultListener listener;

  /** A cluster on {@code manager} (a {@code spark.shuffle.manager} value). */
  RollbackScenario(String name, String manager) {
    directory = FaultCluster.freshDirectory(name);
    SparkConf conf = FaultCluster.localClusterConf(name, directory.resolve("local"), 768);
    jsc = FaultCluster.newContext(conf.set("spark.shuffle.manager", manager));
    listener = FaultListener.register(jsc);
  }

  JavaSparkContext jsc() {
    return jsc;
  }

  /** Before each case: both executors up (a kill replaced one), no events of earlier cases. */
  void beforeCase() {
    FaultCluster.awaitTwoExecutors(jsc);
    listener.clear(jsc);
  }

  @Override
  public void close() {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    FaultCluster.stop(jsc);
  }

  /**
   * What a case observed: the downstream job's result, the scheduler's events, the id of the
   * shuffle that was read while the executor died, the partitions of the readers that had read
   * all of their input before the kill and survived it, and the partitions read again later.
   */
  record Outcome<R>(
      R result,
      FaultListener.Events events,
      int shuffle,
      Set<Integer> survivingFinishedReaders,
      Set<Integer> readAgain) {

    /** Whether every reader that finished and survived the kill read its input again. */
    boolean survivorsReadAgain() {
      return readAgain.containsAll(survivingFinishedReaders);
    }

    String describe() {
      return "surviving finished readers "
          + survivingFinishedReaders
          + ", partitions read again "
          + readAgain
          + "\n"
          + events.describe();
    }
  }

  /**
   * Values reduced by key (one per key of the seeded pairs), in an order that differs in every
   * attempt: each task shuffles its partition with its task attempt id as the seed, and a task
   * attempt id is never used twice in an application. So a recomputed task deals its records
   * differently over a round-robin repartition, for certain rather than by the chance of a
   * clock.
   */
  JavaRDD<Long> unorderedInput() {
    return Data.pairs(jsc, SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
        .mapToPair(r -> new Tuple2<>(r._1(), (long) r._2()))
        .reduceByKey(Long::sum, 4)
        .map(r -> r._1() * 1_000_003L + r._2())
        .mapPartitions(
            values -> {
              List<Long> list = new ArrayList<>();
              values.forEachRemaining(list::add);
              Collections.shuffle(list, new Random(TaskContext.get().taskAttemptId()));
              return list.iterator();
            });
  }

  /**
   * A session of its own per case, so its settings do not leak: the round-robin repartition is
   * not sorted first (sorted, its deal would not depend on the input order, and no rollback would
   * be needed), and the two row-checksum settings are {@code rowChecksums}.
   */
  SparkSession sqlSession(boolean rowChecksums) {
    SparkSession spark = SparkSession.builder().getOrCreate().newSession();
    spark.conf().set("spark.sql.execution.sortBeforeRepartition", "false");
    spark.conf().set(CHECKSUMS, Boolean.toString(rowChecksums));
    spark.conf().set(FULL_RETRY_ON_MISMATCH, Boolean.toString(rowChecksums));
    return spark;
  }

  /** The unordered input as a one-column DataFrame, {@code repartition(6)}, back as values. */
  JavaRDD<Long> sqlRepartition(SparkSession spark) {
    StructType schema = new StructType().add("v", DataTypes.LongType, false);
    JavaRDD<Row> rows = unorderedInput().map(RowFactory::create);
    return spark.createDataFrame(rows, schema).repartition(6).javaRDD().map(r -> r.getLong(0));
  }

  /** The downstream of an RDD case: sums per bucket {@code v mod 97} by {@code reduceByKey}. */
  static Future<List<Tuple2<Long, Long>>> rddSumsByBucket(JavaRDD<Long> read) {
    return read.mapToPair(v -> new Tuple2<>(Math.floorMod(v, 97L), v))
        .reduceByKey(Long::sum, 3)
        .collectAsync();
  }

  /**
   * The downstream of a SQL case: the same sums by a SQL aggregate, run in a thread of its own
   * (a query runs its stages as jobs of its own, synchronously). Its exchange is a SQL shuffle of
   * the session, so the stage that reads the repartition is not statically rolled back by an RDD
   * rule: with the row checksums on, only a checksum mismatch makes Spark rerun its finished
   * tasks.
   */
  static Future<List<Tuple2<Long, Long>>> sqlSumsByBucket(SparkSession spark, JavaRDD<Long> read) {
    StructType schema = new StructType().add("v", DataTypes.LongType, false);
    FutureTask<List<Tuple2<Long, Long>>> query =
        new FutureTask<>(
            () ->
                spark
                    .createDataFrame(read.map(RowFactory::create), schema)
                    .groupBy(pmod(col("v"), lit(97L)).as("bucket"))
                    .agg(sum("v"))
                    .collectAsList()
                    .stream()
                    .map(r -> new Tuple2<>(r.getLong(0), r.getLong(1)))
                    .collect(Collectors.toList()));
    Thread thread = new Thread(query, "sql-sums-by-bucket");
    thread.setDaemon(true);
    thread.start();
    return query;
  }

  /**
   * Reads {@code indeterminate} in a map stage and kills, with {@code kill -9}, an executor that
   * holds part of its map output while that stage runs; {@code downstream} builds and starts the
   * job over the reading RDD. (A result stage that already returned rows could not be rolled
   * back, and Spark would abort the job instead.) Partitions 0 and 1 run first and read their
   * input to the end; 2 and up wait in their first attempt. The victim is chosen so that a
   * finished reader survives it: only then does a partial rerun leave a reader with the first
   * deal beside readers of the recomputed one, which gives a wrong result (readers on the lost
   * executor are rerun anyway, and would hide the difference).
   */
  <T, R> Outcome<R> readWhileAnExecutorDies(
      JavaRDD<T> indeterminate, Function<JavaRDD<T>, Future<R>> downstream) throws Exception {
    assertEquals(
        DeterministicLevel.INDETERMINATE(),
        indeterminate.rdd().outputDeterministicLevel(),
        "the read RDD must be indeterminate for this test to mean anything");
    int shuffle = firstShuffleIdBelow(indeterminate.rdd());
    TaskSignals signals = new TaskSignals(directory.resolve("signals-" + System.nanoTime()));
    Future<R> job = downstream.apply(indeterminate.mapPartitions(values -> gate(signals, values)));
    String victim;
    Set<String> withMapOutput;
    Set<Integer> survivors;
    try {
      List<TaskSignals.Signal> running = signals.awaitSignals("read-", 2, job);
      List<TaskSignals.Signal> done = signals.awaitSignals("done-", 2, job);
      Set<String> runningExecutors =
          running.stream().map(TaskSignals.Signal::executorId).collect(Collectors.toSet());
      assertEquals(2, runningExecutors.size(), () -> "one waiting reader per executor: " + running);
      withMapOutput = listener.events(jsc).executorsWithMapOutput(shuffle);
      TaskSignals.Signal chosen =
          running.stream()
              .filter(s -> withMapOutput.contains(s.executorId()))
              .filter(s -> done.stream().anyMatch(d -> !d.executorId().equals(s.executorId())))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no executor both holds output of shuffle "
                              + shuffle
                              + " and leaves a finished reader alive: output on "
                              + withMapOutput
                              + ", waiting "
                              + running
                              + ", finished "
                              + done));
      survivors =
          done.stream()
              .filter(d -> !d.executorId().equals(chosen.executorId()))
              .map(d -> Integer.parseInt(d.name().substring("done-".length())))
              .collect(Collectors.toCollection(TreeSet::new));
      victim = chosen.executorId() + " (pid " + chosen.pid() + "; finished readers " + done + ")";
      ExecutorKillTest.killDashNine(chosen.pid());
    } finally {
      signals.release();
    }
    R result = job.get(4, TimeUnit.MINUTES);
    FaultListener.Events events = listener.events(jsc);
    Set<Integer> readAgain =
        signals.signalled("again-").stream()
            .map(s -> Integer.parseInt(s.name().split("-")[1]))
            .collect(Collectors.toCollection(TreeSet::new));
    Outcome<R> outcome = new Outcome<>(result, events, shuffle, survivors, readAgain);
    System.out.printf(
        "indeterminate rollback: killed executor %s; output of shuffle %d was on %s%n%s%n",
        victim, shuffle, withMapOutput, outcome.describe());
    return outcome;
  }

  /**
   * A reader of the indeterminate shuffle: signals "again-" in any attempt but the first (it
   * reads its input once more), "done-" once partition 0 or 1 read all of its input, and waits
   * in partition 2 and up until released.
   */
  private static <T> Iterator<T> gate(TaskSignals signals, Iterator<T> values) {
    int partition = TaskContext.getPartitionId();
    if (!TaskSignals.firstAttempt()) {
      signals.signal("again-" + partition + "-" + TaskContext.get().taskAttemptId());
      return values;
    }
    if (partition < 2) {
      return signals.signalWhenExhausted(values, "done-" + partition);
    }
    if (!signals.released()) {
      signals.signal("read-" + partition);
      signals.awaitRelease();
    }
    return values;
  }

  /** That the case really exercised a rerun: a fetch failure and a resubmitted map stage. */
  static void assertRerun(Outcome<?> outcome) {
    assertFalse(
        outcome.events().fetchFailures(outcome.shuffle()).isEmpty(),
        () ->
            "a reader must have hit a FetchFailedException for shuffle "
                + outcome.shuffle()
                + "\n"
                + outcome.describe());
    assertFalse(
        outcome.events().mapStageRetries(outcome.shuffle()).isEmpty(),
        () -> "the read shuffle's map stage must have been resubmitted\n" + outcome.describe());
  }

  /** A rerun, and a rollback: the readers that had finished and survived read again. */
  static void assertRolledBack(Outcome<?> outcome) {
    assertRerun(outcome);
    assertFalse(outcome.survivingFinishedReaders().isEmpty(), () -> "no finished reader survived");
    if (!outcome.survivorsReadAgain()) {
      throw new AssertionError(
          "the finished readers that survived were not rolled back: " + outcome.describe());
    }
  }

  /** The sums per bucket on the driver: the same records, no partitioning involved. */
  static Map<Long, Long> oracle() {
    Map<Long, Long> buckets = new HashMap<>();
    for (long v : oracleValues()) {
      buckets.merge(Math.floorMod(v, 97L), v, Long::sum);
    }
    return buckets;
  }

  /** The values of {@link #unorderedInput} on the driver, sorted. */
  static List<Long> oracleValues() {
    Map<Integer, Long> perKey = new HashMap<>();
    Data.local(SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
        .forEachRemaining(r -> perKey.merge(r._1(), (long) r._2(), Long::sum));
    List<Long> values = new ArrayList<>();
    perKey.forEach((key, sum) -> values.add(key * 1_000_003L + sum));
    Collections.sort(values);
    return values;
  }

  /** Sums per bucket from the rows of a downstream job, each bucket at most once. */
  static Map<Long, Long> asMap(List<Tuple2<Long, Long>> buckets) {
    Map<Long, Long> result = new HashMap<>();
    for (Tuple2<Long, Long> bucket : buckets) {
      assertFalse(result.containsKey(bucket._1()), "bucket twice: " + bucket._1());
      result.put(bucket._1(), bucket._2());
    }
    return result;
  }

  /** Pairs as a pair RDD (for a downstream that reads {@code (key, value)} tuples). */
  static <K, V> JavaPairRDD<K, V> pairs(JavaRDD<Tuple2<K, V>> tuples) {
    return tuples.mapToPair(t -> t);
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
