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
package io.spillway.examples;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A word-count-style job with Spillway as the shuffle manager: reduceByKey, groupByKey, sortByKey
 * and a small SQL groupBy + join, on about 2 million generated records, with memory settings that
 * make the shuffles spill. Prints the results and the shuffle metrics, and checks every result
 * against an oracle computed on the driver.
 *
 * <p>Started with plain {@code java} it runs on an embedded {@code local[*]} Spark; submitted with
 * spark-submit, the master and any setting given there win over the example's own defaults:
 *
 * <pre>
 *   mvn -B -Prun-example -pl examples -am package -DskipTests
 *   mvn -B -Prun-example -pl examples -am package -DskipTests -Dexample.args=sort
 *   spark-submit --master spark://host:7077 --jars spillway-spark_2.13-&lt;version&gt;.jar \
 *     --conf spark.shuffle.manager=io.spillway.SpillwayShuffleManager \
 *     --class io.spillway.examples.ShuffleExample spillway-examples-&lt;version&gt;.jar
 * </pre>
 *
 * <p>The shuffle manager is, in order: the first argument, the system property
 * {@value #MANAGER_PROPERTY}, {@code spark.shuffle.manager} given to spark-submit, else
 * {@value #SPILLWAY_MANAGER}. "sort" runs Spark's own shuffle. Exit code 0 when every check
 * passes, 1 when a result differs from the oracle.
 */
public final class ShuffleExample {

  static final String SPILLWAY_MANAGER = "io.spillway.SpillwayShuffleManager";
  static final String MANAGER_PROPERTY = "spillway.example.shuffleManager";

  private static final long SEED = 7L;
  private static final int PARTITIONS = 8;
  private static final int RECORDS_PER_PARTITION = 250_000; // 2,000,000 in all
  private static final int WORDS = 20_000;

  private ShuffleExample() {}

  /** Sums the shuffle and spill metrics of all tasks. */
  static final class ShuffleMetrics extends SparkListener {
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong recordsWritten = new AtomicLong();
    final AtomicLong recordsRead = new AtomicLong();
    final AtomicLong tasksThatSpilled = new AtomicLong();
    final AtomicLong memoryBytesSpilled = new AtomicLong();
    final AtomicLong diskBytesSpilled = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      TaskMetrics m = taskEnd.taskMetrics();
      if (m == null) {
        return;
      }
      tasks.incrementAndGet();
      bytesWritten.addAndGet(m.shuffleWriteMetrics().bytesWritten());
      recordsWritten.addAndGet(m.shuffleWriteMetrics().recordsWritten());
      recordsRead.addAndGet(m.shuffleReadMetrics().recordsRead());
      memoryBytesSpilled.addAndGet(m.memoryBytesSpilled());
      diskBytesSpilled.addAndGet(m.diskBytesSpilled());
      if (m.memoryBytesSpilled() > 0 || m.diskBytesSpilled() > 0) {
        tasksThatSpilled.incrementAndGet();
      }
    }
  }

  /** Word i is "w" + i; word frequencies are skewed (low numbers are more frequent). */
  static String word(SplittableRandom random) {
    int a = random.nextInt(WORDS);
    int b = random.nextInt(WORDS);
    return "w" + Math.min(a, b);
  }

  /** The records of one partition: (word, 1..10), drawn lazily from the seed and the index. */
  static Iterator<Tuple2<String, Integer>> partition(int index) {
    SplittableRandom random = new SplittableRandom(SEED * 1_000_003L + index);
    return new Iterator<>() {
      private int left = RECORDS_PER_PARTITION;

      @Override
      public boolean hasNext() {
        return left > 0;
      }

      @Override
      public Tuple2<String, Integer> next() {
        if (left == 0) {
          throw new NoSuchElementException();
        }
        left--;
        String w = word(random);
        return new Tuple2<>(w, 1 + random.nextInt(10));
      }
    };
  }

  private static int failures = 0;

  private static void check(String what, boolean ok, String detail) {
    System.out.printf(
        "  check %-44s %s%s%n", what, ok ? "OK" : "MISMATCH", ok ? "" : ": " + detail);
    if (!ok) {
      failures++;
    }
  }

  public static void main(String[] args) throws Exception {
    // What spark-submit passed (it hands its settings to the driver as system properties); empty
    // when the example is started with plain `java`.
    SparkConf submitted = new SparkConf();
    String manager =
        args.length > 0 && !args[0].isBlank()
            ? args[0]
            : System.getProperty(
                MANAGER_PROPERTY, submitted.get("spark.shuffle.manager", SPILLWAY_MANAGER));

    // The example's own settings are defaults: a value given to spark-submit wins, so the same
    // jar runs on local[*] (no master given) and on a cluster (--master spark://...).
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("spark.master", "local[*]");
    defaults.put("spark.app.name", "spillway-shuffle-example");
    defaults.put("spark.ui.enabled", "false");
    // modest memory: shuffles spill
    defaults.put("spark.shuffle.spill.numElementsForceSpillThreshold", "50000");
    defaults.put("spark.memory.fraction", "0.2");
    defaults.put("spark.sql.shuffle.partitions", "8");
    defaults.put("spark.sql.autoBroadcastJoinThreshold", "-1");
    defaults.put("spark.sql.adaptive.enabled", "true");
    SparkSession.Builder builder = SparkSession.builder().config("spark.shuffle.manager", manager);
    defaults.forEach(
        (key, value) -> {
          if (!submitted.contains(key)) {
            builder.config(key, value);
          }
        });
    SparkSession spark = builder.getOrCreate();
    ShuffleMetrics metrics = new ShuffleMetrics();
    long startNanos = System.nanoTime();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      jsc.sc().addSparkListener(metrics);
      String managerClass = SparkEnv.get().shuffleManager().getClass().getName();
      System.out.println("spark.shuffle.manager = " + manager + " (" + managerClass + ")");
      System.out.println("master " + jsc.master() + ", application " + jsc.sc().applicationId());

      // The oracle: the same records, counted on the driver.
      Map<String, Long> expectedCounts = new HashMap<>();
      Map<String, Long> expectedSums = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        for (Iterator<Tuple2<String, Integer>> it = partition(p); it.hasNext(); ) {
          Tuple2<String, Integer> r = it.next();
          expectedCounts.merge(r._1(), 1L, Long::sum);
          expectedSums.merge(r._1(), (long) r._2(), Long::sum);
        }
      }

      List<Integer> indexes = IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toList());
      JavaPairRDD<String, Integer> records =
          jsc.parallelize(indexes, PARTITIONS).flatMapToPair(ShuffleExample::partition);

      // 1. reduceByKey: word count (weighted)
      System.out.println("reduceByKey (word -> sum of weights)");
      Map<String, Long> sums =
          new HashMap<>(records.mapValues(v -> (long) v).reduceByKey(Long::sum, 6).collectAsMap());
      sums.entrySet().stream()
          .sorted(
              Map.Entry.<String, Long>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry.comparingByKey()))
          .limit(5)
          .forEach(e -> System.out.printf("  %-8s %,d%n", e.getKey(), e.getValue()));
      check(
          "reduceByKey sums == oracle",
          sums.equals(expectedSums),
          sums.size() + " keys vs " + expectedSums.size());

      // 2. groupByKey: number of values per word
      System.out.println("groupByKey (word -> number of values)");
      Map<String, Long> groupSizes =
          new HashMap<>(
              records
                  .groupByKey(6)
                  .mapValues(
                      values -> {
                        long n = 0;
                        for (Integer ignored : values) {
                          n++;
                        }
                        return n;
                      })
                  .collectAsMap());
      check(
          "groupByKey sizes == oracle counts",
          groupSizes.equals(expectedCounts),
          groupSizes.size() + " keys vs " + expectedCounts.size());

      // 3. sortByKey: words by count, most frequent first
      System.out.println("sortByKey (count desc)");
      List<Tuple2<Long, String>> byCount =
          records
              .mapValues(v -> 1L)
              .reduceByKey(Long::sum, 6)
              .mapToPair(Tuple2::swap)
              .sortByKey(false, 4)
              .collect();
      byCount.stream().limit(5).forEach(t -> System.out.printf("  %-8s %,d%n", t._2(), t._1()));
      boolean ordered = true;
      for (int i = 1; i < byCount.size(); i++) {
        ordered &= byCount.get(i - 1)._1() >= byCount.get(i)._1();
      }
      Map<String, Long> fromSorted = new HashMap<>();
      byCount.forEach(t -> fromSorted.put(t._2(), t._1()));
      check("sortByKey descending order", ordered, "not ordered");
      check(
          "sortByKey content == oracle counts",
          fromSorted.equals(expectedCounts),
          fromSorted.size() + " keys vs " + expectedCounts.size());

      // 4. SQL: groupBy + shuffle join
      System.out.println("SQL groupBy + join (bucket -> words, weight)");
      Dataset<Row> words =
          spark.createDataFrame(records.map(t -> new WordRecord(t._1(), t._2())), WordRecord.class);
      Dataset<Row> buckets =
          spark
              .range(0, WORDS)
              .selectExpr(
                  "concat('w', CAST(id AS STRING)) AS word", "CAST(id % 10 AS INT) AS bucket");
      List<Row> rows =
          words
              .groupBy("word")
              .agg(count("*").as("n"), sum("weight").as("w"))
              .join(buckets, "word")
              .groupBy("bucket")
              .agg(sum("n").as("n"), sum("w").as("w"))
              .orderBy("bucket")
              .collectAsList();
      Map<Integer, long[]> expectedBuckets = new TreeMap<>();
      expectedCounts.forEach(
          (w, n) -> {
            long[] acc =
                expectedBuckets.computeIfAbsent(
                    Integer.parseInt(w.substring(1)) % 10, b -> new long[2]);
            acc[0] += n;
            acc[1] += expectedSums.get(w);
          });
      boolean sqlOk = rows.size() == expectedBuckets.size();
      for (Row row : rows) {
        long[] expected = expectedBuckets.get(row.getInt(0));
        System.out.printf(
            "  bucket %d: %,d records, weight %,d%n",
            row.getInt(0), row.getLong(1), row.getLong(2));
        sqlOk &= expected != null && expected[0] == row.getLong(1) && expected[1] == row.getLong(2);
      }
      check("SQL groupBy + join == oracle", sqlOk, rows.size() + " buckets");

      jsc.sc().listenerBus().waitUntilEmpty(60_000L); // events are delivered asynchronously
      System.out.println("shuffle metrics (all tasks)");
      System.out.printf("  tasks                   %,d%n", metrics.tasks.get());
      System.out.printf("  shuffle bytes written   %,d%n", metrics.bytesWritten.get());
      System.out.printf("  shuffle records written %,d%n", metrics.recordsWritten.get());
      System.out.printf("  shuffle records read    %,d%n", metrics.recordsRead.get());
      System.out.printf("  tasks that spilled      %,d%n", metrics.tasksThatSpilled.get());
      System.out.printf("  memory bytes spilled    %,d%n", metrics.memoryBytesSpilled.get());
      System.out.printf("  disk bytes spilled      %,d%n", metrics.diskBytesSpilled.get());
    } finally {
      spark.stop();
    }
    System.out.printf(
        "%s in %.1f s with %s%n",
        failures == 0 ? "ALL CHECKS PASSED" : failures + " CHECK(S) FAILED",
        (System.nanoTime() - startNanos) / 1e9,
        manager);
    if (failures != 0) {
      System.exit(1);
    }
  }

  /** A bean for the SQL part. */
  public static final class WordRecord implements java.io.Serializable {
    private String word;
    private int weight;

    public WordRecord() {}

    WordRecord(String word, int weight) {
      this.word = word;
      this.weight = weight;
    }

    public String getWord() {
      return word;
    }

    public void setWord(String word) {
      this.word = word;
    }

    public int getWeight() {
      return weight;
    }

    public void setWeight(int weight) {
      this.weight = weight;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WordRecord r && r.weight == weight && Objects.equals(r.word, word);
    }

    @Override
    public int hashCode() {
      return Objects.hash(word, weight);
    }
  }
}
