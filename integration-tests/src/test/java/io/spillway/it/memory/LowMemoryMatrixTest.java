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
package io.spillway.it.memory;

import static org.junit.jupiter.api.Assertions.fail;

import io.spillway.it.ItConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Tuple2;

/**
 * The low-memory matrix: execution pools of 4, 8, 16 and 32 MiB ({@code spark.testing.memory}
 * twice the pool with {@code spark.memory.fraction=0.5}), 2 and 4 concurrent tasks, six
 * workloads, each run on Spark's sort shuffle (the oracle) and on the manager under test in the
 * same configuration. Wherever the built-in shuffle completes, the manager under test must
 * complete with the same result; wherever it fails, its failure must say how much memory it
 * needed and which setting to raise, and must not be a plain {@code OutOfMemoryError}; a job that
 * does not finish within {@link #JOB_TIMEOUT_SECONDS} is a failure ("hang") for both.
 *
 * <p>Results are order-insensitive digests computed on the executors (count and a sum of
 * per-record hashes), plus the partition boundaries for {@code sortByKey}, so a cell costs two
 * small jobs per workload, not two collects. The table goes to the console and to
 * {@code target/low-memory-matrix.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LowMemoryMatrixTest {

  static final int[] POOLS_MIB = {4, 8, 16, 32};
  static final int[] CORES = {2, 4};
  static final long JOB_TIMEOUT_SECONDS = 120;
  private static final int MAP_PARTITIONS = 4;
  private static final int REDUCE_PARTITIONS = 4;
  private static final int RECORDS = 50_000;

  /** A message that names a quantity of memory and a setting to raise: what a user can act on. */
  private static final Pattern ACTIONABLE =
      Pattern.compile("(?s).*\\d+ bytes.*(spark\\.executor\\.memory|spark\\.memory\\.fraction).*");

  /**
   * Execution memory per concurrent task from which the manager under test must complete
   * wherever Spark's shuffle does: every cell of the matrix (4 MiB shared by 4 tasks is 1 MiB
   * each). Spillway's page requests shrink to what the pool still has, down to the record at
   * hand, so it needs no more than Spark's shuffle there; a change that loses that (page requests
   * that do not shrink, say) fails the 4 and 8 MiB cells of {@code local[4]} and the 4 MiB cells
   * of {@code local[2]}. Below this a failure would only have to be actionable.
   */
  static final int GUARANTEED_MIB_PER_TASK = 1;

  /**
   * The same for SQL aggregation, whose map task also holds Spark's hash aggregation map: at 1
   * MiB per task the two do not always fit together, while Spark's shuffle (its bypass writer,
   * no execution memory) sometimes completes and sometimes fails there itself.
   */
  static final int GUARANTEED_MIB_PER_TASK_NEXT_TO_AN_AGGREGATION = 2;

  enum Workload {
    REDUCE_BY_KEY("reduceByKey"),
    GROUP_BY_KEY_HOT_KEY("groupByKey, hot key"),
    SORT_BY_KEY("sortByKey"),
    JOIN("join"),
    SQL_AGGREGATION("SQL aggregation"),
    SQL_REPARTITION("SQL repartition");

    final String label;

    Workload(String label) {
      this.label = label;
    }
  }

  /** One run's outcome: a result digest, or how it failed. */
  record Outcome(String digest, String failure, double seconds) {
    boolean ok() {
      return failure == null;
    }

    static Outcome failed(Throwable t) {
      Throwable root = t;
      StringBuilder chain = new StringBuilder();
      for (Throwable c = t; c != null; c = c.getCause()) {
        chain.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        root = c;
      }
      return new Outcome(null, chain.toString(), 0);
    }
  }

  private final Map<String, String> table = new LinkedHashMap<>();

  /** {@code -Dspillway.matrix.pools=4,8} runs only those pools (a faster loop while developing). */
  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    String only = System.getProperty("spillway.matrix.pools", "").trim();
    for (int pool : POOLS_MIB) {
      if (!only.isEmpty()
          && !java.util.Arrays.asList(only.split(",")).contains(Integer.toString(pool))) {
        continue;
      }
      for (int cores : CORES) {
        cells.add(Arguments.of(pool, cores));
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} MiB pool, local[{1}]")
  @MethodSource("cells")
  void cell(int poolMiB, int cores) {
    long start = System.nanoTime();
    Map<Workload, Outcome> builtIn = runAll("sort", poolMiB, cores);
    long middle = System.nanoTime();
    Map<Workload, Outcome> underTest = runAll(ItConfig.managerUnderTest(), poolMiB, cores);
    System.out.printf(
        "LowMemoryMatrixTest: %d MiB, local[%d]: built-in %.1f s, under test %.1f s%n",
        poolMiB, cores, (middle - start) / 1e9, (System.nanoTime() - middle) / 1e9);
    List<String> problems = new ArrayList<>();
    for (Workload workload : Workload.values()) {
      Outcome oracle = builtIn.get(workload);
      Outcome ours = underTest.get(workload);
      String cell;
      if (ours.ok() && oracle.ok()) {
        cell = ours.digest().equals(oracle.digest()) ? "ok" : "WRONG RESULT";
        if (!ours.digest().equals(oracle.digest())) {
          problems.add(
              workload.label
                  + ": result differs from Spark's: "
                  + ours.digest()
                  + " vs "
                  + oracle.digest());
        }
      } else if (ours.ok()) {
        cell = "ok (built-in failed: " + shortFailure(oracle.failure()) + ")";
      } else {
        boolean actionable = isActionable(ours.failure());
        cell =
            "failed"
                + (actionable
                    ? " with an actionable message"
                    : isAnotherOperatorShortOfMemory(ours.failure())
                        ? ": another operator of the task could not get memory"
                        : ": " + shortFailure(ours.failure()))
                + (oracle.ok() ? " (built-in completed)" : " (built-in failed too)");
        int guaranteed =
            workload == Workload.SQL_AGGREGATION
                ? GUARANTEED_MIB_PER_TASK_NEXT_TO_AN_AGGREGATION
                : GUARANTEED_MIB_PER_TASK;
        if (oracle.ok() && poolMiB / cores >= guaranteed) {
          problems.add(
              workload.label + ": failed where Spark's shuffle completed:\n" + ours.failure());
        } else if (!actionable && !isAnotherOperatorShortOfMemory(ours.failure())) {
          problems.add(
              workload.label + ": failed without saying what memory to add:\n" + ours.failure());
        }
      }
      table.put(
          poolMiB + " MiB | local[" + cores + "] | " + workload.label,
          cell + String.format(" | %.1f | %.1f", oracle.seconds(), ours.seconds()));
    }
    if (!problems.isEmpty()) {
      fail(poolMiB + " MiB, local[" + cores + "]:\n" + String.join("\n", problems));
    }
  }

  /**
   * Below {@link #GUARANTEED_MIB_PER_TASK_NEXT_TO_AN_AGGREGATION}, a Spark operator of the same
   * task (SQL's hash aggregation map, say) may be the one that cannot get memory next to Spillway's buffer; its
   * message is Spark's, which Spillway cannot reword. Accepted there, never a plain
   * {@code OutOfMemoryError} or a hang.
   */
  static boolean isAnotherOperatorShortOfMemory(String failure) {
    // Spillway allocates only through io.spillway.memory; such a failure is translated anyway.
    return failure.contains("org.apache.spark.memory.SparkOutOfMemoryError")
        && !failure.contains("at io.spillway.memory.")
        && !failure.startsWith("java.lang.OutOfMemoryError");
  }

  static boolean isActionable(String failure) {
    // A plain OutOfMemoryError is never acceptable; Spark's SparkOutOfMemoryError without a
    // setting to raise is not enough either.
    return !failure.startsWith("java.lang.OutOfMemoryError")
        && ACTIONABLE.matcher(failure).matches();
  }

  private static String shortFailure(String failure) {
    String first =
        failure
            .lines()
            .filter(l -> l.contains("OutOfMemory") || l.contains("memory"))
            .findFirst()
            .orElse(failure.lines().findFirst().orElse(""));
    return first.length() > 160 ? first.substring(0, 160) + "..." : first;
  }

  @AfterAll
  void writeTable() throws IOException {
    StringBuilder md =
        new StringBuilder(
            "| pool | tasks | workload | "
                + ItConfig.managerUnderTest()
                + " | built-in s | under test s |\n|---|---|---|---|---:|---:|\n");
    table.forEach(
        (key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
    System.out.println(md);
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.writeString(target.resolve("low-memory-matrix.md"), md);
    }
  }

  // ------------------------------------------------------------------ runs

  private static SparkConf conf(String manager, int poolMiB, int cores) {
    return new SparkConf()
        .setMaster("local[" + cores + "]")
        .setAppName("low-memory-" + poolMiB + "m-" + cores + "-" + manager)
        .set("spark.shuffle.manager", manager)
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.testing.memory", Long.toString(2L * poolMiB << 20))
        .set("spark.memory.fraction", "0.5")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.ui.enabled", "false")
        .set("spark.default.parallelism", Integer.toString(REDUCE_PARTITIONS))
        .set("spark.sql.shuffle.partitions", Integer.toString(REDUCE_PARTITIONS))
        .set("spark.sql.autoBroadcastJoinThreshold", "-1")
        .set("spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");
  }

  private Map<Workload, Outcome> runAll(String manager, int poolMiB, int cores) {
    Map<Workload, Outcome> outcomes = new LinkedHashMap<>();
    SparkSession spark = SparkSession.builder().config(conf(manager, poolMiB, cores)).getOrCreate();
    ExecutorService driver = Executors.newSingleThreadExecutor();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      for (Workload workload : Workload.values()) {
        String group = workload.name();
        Future<String> job =
            driver.submit(
                () -> {
                  jsc.setJobGroup(group, workload.label, true);
                  return run(workload, spark, jsc);
                });
        Outcome outcome;
        long start = System.nanoTime();
        try {
          outcome =
              new Outcome(
                  job.get(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                  null,
                  (System.nanoTime() - start) / 1e9);
        } catch (TimeoutException e) {
          jsc.cancelJobGroup(group);
          outcome =
              new Outcome(
                  null,
                  "hang: no result within " + JOB_TIMEOUT_SECONDS + " s",
                  JOB_TIMEOUT_SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          Outcome failed = Outcome.failed(e.getCause());
          outcome = new Outcome(null, failed.failure(), (System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        outcomes.put(workload, outcome);
      }
    } finally {
      driver.shutdownNow();
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
    return outcomes;
  }

  private static String run(Workload workload, SparkSession spark, JavaSparkContext jsc) {
    switch (workload) {
      case REDUCE_BY_KEY:
        return digest(pairs(jsc, 1, RECORDS, 50_000).reduceByKey(Long::sum, REDUCE_PARTITIONS));
      case GROUP_BY_KEY_HOT_KEY:
        // Half of the records share key 0; the group's values are summed, not collected.
        return digest(
            pairs(jsc, 2, RECORDS, 50_000)
                .mapToPair(r -> new Tuple2<>(r._2() % 2 == 0 ? 0L : r._1(), r._2()))
                .groupByKey(REDUCE_PARTITIONS)
                .mapValues(
                    values -> {
                      long sum = 0;
                      long count = 0;
                      for (Long value : values) {
                        sum += value;
                        count++;
                      }
                      return sum * 31 + count;
                    }));
      case SORT_BY_KEY:
        return sortedDigest(pairs(jsc, 3, RECORDS, 1_000_000).sortByKey(true, REDUCE_PARTITIONS));
      case JOIN:
        return digest(
            pairs(jsc, 4, RECORDS / 2, 20_000)
                .join(pairs(jsc, 5, RECORDS / 4, 20_000), REDUCE_PARTITIONS)
                .mapValues(pair -> pair._1() * 1_000_003L + pair._2()));
      case SQL_AGGREGATION:
        {
          List<Row> rows =
              spark
                  .range(0, RECORDS, 1, MAP_PARTITIONS)
                  .selectExpr("pmod(hash(id, 7), 20000) AS k", "id AS v")
                  .groupBy("k")
                  .agg(
                      org.apache.spark.sql.functions.sum("v").as("s"),
                      org.apache.spark.sql.functions.count("v").as("n"))
                  .selectExpr("sum(hash(k, s, n))", "count(*)")
                  .collectAsList();
          return rows.get(0).toString();
        }
      case SQL_REPARTITION:
        {
          List<Row> rows =
              spark
                  .range(0, RECORDS, 1, MAP_PARTITIONS)
                  .selectExpr("id", "concat('value-', id) AS s")
                  .repartition(REDUCE_PARTITIONS * 2)
                  .selectExpr("sum(hash(id, s))", "count(*)")
                  .collectAsList();
          return rows.get(0).toString();
        }
      default:
        throw new IllegalArgumentException(workload.name());
    }
  }

  /** Seeded pairs generated in the tasks: keys in [0, keys), values in [0, 1e6). */
  private static JavaPairRDD<Long, Long> pairs(
      JavaSparkContext jsc, long seed, int records, int keys) {
    List<Integer> partitions = IntStream.range(0, MAP_PARTITIONS).boxed().toList();
    int perPartition = records / MAP_PARTITIONS;
    return jsc.parallelize(partitions, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              java.util.SplittableRandom random =
                  new java.util.SplittableRandom(seed * 1_000_003L + p);
              return new Iterator<Tuple2<Long, Long>>() {
                private int emitted;

                @Override
                public boolean hasNext() {
                  return emitted < perPartition;
                }

                @Override
                public Tuple2<Long, Long> next() {
                  emitted++;
                  return new Tuple2<>(
                      (long) random.nextInt(keys), (long) random.nextInt(1_000_000));
                }
              };
            });
  }

  /** Count and a sum of record hashes: equal for equal multisets of records. */
  private static String digest(JavaPairRDD<Long, Long> records) {
    Tuple2<Long, Long> countAndSum =
        records
            .map(r -> new Tuple2<>(1L, mix(r._1() * 0x9E3779B97F4A7C15L + r._2())))
            .reduce((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
    return countAndSum._1() + " records, hash sum " + countAndSum._2();
  }

  /** Per partition: count, first and last key, hash sum, and whether it is sorted. */
  private static String sortedDigest(JavaPairRDD<Long, Long> sorted) {
    List<String> parts =
        sorted
            .mapPartitionsWithIndex(
                (index, records) -> {
                  long count = 0;
                  long sum = 0;
                  Long first = null;
                  long last = Long.MIN_VALUE;
                  boolean inOrder = true;
                  while (records.hasNext()) {
                    Tuple2<Long, Long> r = records.next();
                    if (first == null) {
                      first = r._1();
                    }
                    inOrder &= r._1() >= last;
                    last = r._1();
                    count++;
                    sum += mix(r._1() * 0x9E3779B97F4A7C15L + r._2());
                  }
                  return List.of(
                          index
                              + ":"
                              + count
                              + "["
                              + first
                              + ".."
                              + last
                              + "]"
                              + sum
                              + (inOrder ? "" : " UNSORTED"))
                      .iterator();
                },
                true)
            .collect();
    return String.join(" ", parts);
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
