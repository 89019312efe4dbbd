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
package io.spillway.examples.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The benchmark workloads. Every input is generated inside the tasks from a fixed seed per map
 * partition, so both shuffle managers see identical records; each workload returns a checksum of
 * its result that does not depend on record order (sums of mixed hashes plus counts), which the
 * harness compares across managers.
 *
 * <p>Sizes are at {@code --scale 1}; every record count is multiplied by the scale.
 */
public final class Workloads {
  private Workloads() {}

  /**
   * One workload: name, input size in records, extra Spark settings, whether it is a Spark SQL
   * job (Comet runs those only; Spark SQL exchanges serialize rows with UnsafeRowSerializer, so
   * {@code spark.serializer} does not reach their shuffle), the job itself, and its shuffle input:
   * the records its (largest) shuffle is given, which the calibration serializes to measure lz4
   * and the compression ratio on the run's own kind of bytes.
   */
  public record Workload(
      String name,
      String description,
      long baseRecords,
      Map<String, String> conf,
      boolean sql,
      Job job,
      ShuffleInput input) {
    long records(double scale) {
      return Math.max(1, Math.round(baseRecords * scale));
    }
  }

  @FunctionalInterface
  public interface Job {
    /** Runs the job on {@code records} input records; returns the result checksum. */
    String run(SparkSession spark, long records) throws Exception;
  }

  /**
   * The records a workload's shuffle receives, generated as the job generates them: a
   * {@code Dataset<Row>} whose rows have the exchange's schema (SQL), or a {@code JavaPairRDD}
   * whose pairs are written key then value by the serializer (RDD).
   */
  @FunctionalInterface
  public interface ShuffleInput {
    Object records(SparkSession spark, long records);
  }

  static final int MAP_PARTITIONS = 8;
  static final int REDUCE_PARTITIONS = 8;
  static final int LARGE_REDUCE_PARTITIONS = 32;
  static final long SEED = 0x5B1_11A7L;

  /** The quick suite: a few seconds per job, the everyday run ({@code --size quick}). */
  public static final List<Workload> QUICK =
      List.of(
          new Workload(
              "sql-repartition-200",
              "SQL: spark.range + 2 computed columns (20-byte rows: long, long, int), repartition(200), foreachPartition",
              2_500_000L,
              Map.of(),
              true,
              (spark, n) -> sqlRepartition(spark, n, 200),
              Workloads::repartitionRows),
          new Workload(
              "sql-repartition-20000",
              "SQL: same 20-byte rows, repartition(col) with spark.sql.shuffle.partitions=20000: every map "
                  + "task writes 20,000 partitions; AQE coalesces the reduce side into a few tasks that "
                  + "read partition ranges (20,000 reduce tasks take minutes of scheduling on 2 cores)",
              1_500_000L,
              Map.of(
                  "spark.sql.shuffle.partitions",
                  "20000",
                  "spark.sql.adaptive.coalescePartitions.enabled",
                  "true"),
              true,
              (spark, n) -> sqlRepartition(spark, n, -1),
              Workloads::repartitionRows),
          new Workload(
              "rdd-reducebykey-1m-keys",
              "RDD reduceByKey(Long::sum) of (long, long) pairs, keys uniform over 1,000,000 (~865,000 "
                  + "distinct at scale 1), under memory pressure: spark.memory.fraction=0.08 leaves a "
                  + "~17 MiB pool for 2 tasks, less than either side's hash map needs, so both managers spill",
              2_000_000L,
              Map.of("spark.memory.fraction", "0.08"),
              false,
              (spark, n) -> reduceByKey(spark, n, 1_000_000L),
              (spark, n) -> longPairs(spark, n, 1_000_000L)),
          new Workload(
              "rdd-reducebykey-distinct",
              "RDD reduceByKey of (long, long) pairs, keys random 64-bit (nearly all distinct)",
              1_200_000L,
              Map.of(),
              false,
              (spark, n) -> reduceByKey(spark, n, 0L),
              (spark, n) -> longPairs(spark, n, 0L)),
          new Workload(
              "rdd-groupbykey-zipf",
              "RDD groupByKey of (long, long) pairs, keys Zipf(s=1.1) over 1,000,000 keys",
              2_000_000L,
              Map.of(),
              false,
              Workloads::groupByKeyZipf,
              Workloads::zipfPairs),
          new Workload(
              "rdd-groupbykey-hotkey",
              "RDD groupByKey: one key with all but 500,000 of the records, values byte[200] "
                  + "(the hot key's values take ~1.4 GB on the heap at scale 1, well past the run's "
                  + "1 GiB heap), the rest over 100,000 keys",
              // 5,000,000 (0.97 GB of hot values) was too close to the heap: the built-in shuffle
              // finished 2 runs of 3 on a quiet machine
              7_000_000L,
              Map.of(),
              false,
              Workloads::groupByKeyHotKey,
              Workloads::hotKeyPairs),
          new Workload(
              "rdd-sortbykey-terasort",
              "RDD sortByKey of TeraSort-style 100-byte records (10-char String key, byte[90] value)",
              600_000L,
              Map.of(),
              false,
              (spark, n) -> teraSort(spark, n, REDUCE_PARTITIONS),
              Workloads::teraSortPairs),
          new Workload(
              "rdd-spill-stress",
              "RDD partitionBy(HashPartitioner(400)) of (long, long) pairs with "
                  + "spark.shuffle.spill.numElementsForceSpillThreshold=500: 8 map tasks, so "
                  + "records/8/500 forced spills per map task (200 at scale 1)",
              800_000L,
              Map.of("spark.shuffle.spill.numElementsForceSpillThreshold", "500"),
              false,
              Workloads::spillStress,
              Workloads::randomLongPairs),
          new Workload(
              "sql-tpch-aqe",
              "SQL under AQE, broadcast joins off: TPC-H-like lineitem (n rows) and orders (n/4 rows) "
                  + "generated with hash(); Q1-like aggregation, Q3-like join+aggregation+top-10, "
                  + "Q18-like aggregation+having+join",
              500_000L,
              Map.of(
                  "spark.sql.autoBroadcastJoinThreshold",
                  "-1",
                  "spark.sql.adaptive.enabled",
                  "true"),
              true,
              Workloads::tpchSuite,
              Workloads::lineitemRows));

  /**
   * The large suite ({@code --size large}): the shapes users run, each job moving at least 1 GiB
   * of serialized shuffle data (before compression) at scale 1 with either serializer. Sizes
   * were chosen from the records' serialized sizes as the calibration measured them: UnsafeRow of
   * n fixed-width fields is 8 + 8n bytes plus a 4-byte length in the shuffle stream; the RDD
   * records carry 48- to 90-byte values (Kryo: 60 to 105 bytes a record, Java serialization 10-20%
   * more), so that a job takes tens of seconds, not minutes: (long, long) pairs would need ~75
   * million records for 1 GiB.
   */
  public static final List<Workload> LARGE =
      List.of(
          new Workload(
              "sql-repartition-200-large",
              "SQL: 20-byte rows (long, long, int; 36 bytes as UnsafeRow in the shuffle), repartition(200)",
              30_000_000L,
              Map.of(),
              true,
              (spark, n) -> sqlRepartition(spark, n, 200),
              Workloads::repartitionRows),
          new Workload(
              "sql-repartition-20000-large",
              "SQL: the same rows, repartition(col) into spark.sql.shuffle.partitions=20000, AQE "
                  + "coalescing the reduce side",
              30_000_000L,
              Map.of(
                  "spark.sql.shuffle.partitions",
                  "20000",
                  "spark.sql.adaptive.coalescePartitions.enabled",
                  "true"),
              true,
              (spark, n) -> sqlRepartition(spark, n, -1),
              Workloads::repartitionRows),
          new Workload(
              "sql-groupby-large",
              "SQL: groupBy(k).agg(sum(v), count(*)) with k uniform over 16,000,000 keys (~8.7 "
                  + "million distinct at scale 1): partial aggregation hardly reduces the rows, so "
                  + "~(k, sum, count) rows of 36 bytes are shuffled",
              36_000_000L,
              Map.of(),
              true,
              Workloads::sqlGroupBy,
              Workloads::groupByPartialRows),
          new Workload(
              "sql-smj-large",
              "SQL: sort-merge join (broadcast off) of a fact table (n rows of k, v) with a dimension "
                  + "table (n/4 rows of k, w) on k; both sides are shuffled (28-byte UnsafeRows)",
              32_000_000L,
              Map.of("spark.sql.autoBroadcastJoinThreshold", "-1"),
              true,
              Workloads::sqlSortMergeJoin,
              Workloads::factRows),
          new Workload(
              "rdd-reducebykey-large",
              "RDD reduceByKey of (long, long[8]) pairs summed element-wise, keys uniform over "
                  + "4,000,000 (map-side combine reduces little)",
              15_000_000L,
              Map.of(),
              false,
              Workloads::reduceByKeyVectors,
              Workloads::vectorPairs),
          new Workload(
              "rdd-groupbykey-zipf-large",
              "RDD groupByKey of (long, byte[64]) pairs, keys Zipf(s=1.1) over 1,000,000 keys "
                  + "(the hottest key has ~12% of the records), 32 reduce partitions",
              15_000_000L,
              Map.of(),
              false,
              Workloads::groupByKeyZipfLarge,
              Workloads::zipfBytePairs),
          new Workload(
              "rdd-join-large",
              "RDD join of (long, byte[48]) pairs: n left records with keys uniform over n/2, n/2 "
                  + "right records with keys 0..n/2-1, 32 reduce partitions",
              13_000_000L,
              Map.of(),
              false,
              Workloads::rddJoin,
              Workloads::joinLeftPairs),
          new Workload(
              "rdd-sortbykey-large",
              "RDD sortByKey of TeraSort-style 100-byte records (10-char String key, byte[90] "
                  + "value), 32 reduce partitions",
              10_500_000L,
              Map.of(),
              false,
              (spark, n) -> teraSort(spark, n, LARGE_REDUCE_PARTITIONS),
              Workloads::teraSortPairs));

  /** Every workload, for look-up by name. */
  public static final List<Workload> ALL = concat(QUICK, LARGE);

  static List<Workload> concat(List<Workload> a, List<Workload> b) {
    List<Workload> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  public static Workload byName(String name) {
    for (Workload w : ALL) {
      if (w.name().equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "Unknown workload '"
            + name
            + "'; known: "
            + ALL.stream().map(Workload::name).collect(Collectors.joining(", ")));
  }

  // ---------------------------------------------------------------- helpers

  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * A hash of every byte of {@code bytes}, eight at a time. The checksums use it instead of
   * {@code Arrays.hashCode(byte[])}, whose one-byte-at-a-time loop was 18% of the executor samples
   * of rdd-join-large under either manager (a JFR profile of its second and third runs at scale
   * 0.4; docs/benchmarks/history/first-run-pretouch.md): time spent checking the result, which
   * diluted the difference between the shuffles being measured.
   */
  static long contentHash(byte[] bytes) {
    long h = bytes.length;
    int i = 0;
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      // one multiply-add per word (a polynomial hash, as Arrays.hashCode is per byte)
      h = h * 0x9E3779B97F4A7C15L + (long) LITTLE_ENDIAN_LONGS.get(bytes, i);
    }
    for (; i < bytes.length; i++) {
      h = h * 31 + bytes[i];
    }
    return mix(h, 0);
  }

  /** splitmix64 finaliser: a good 64-bit mix, used for order-independent checksums. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long perPartition(long records, int partition, int partitions) {
    long base = records / partitions;
    return base + (partition < records % partitions ? 1 : 0);
  }

  static JavaRDD<Integer> seeds(SparkSession spark, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = IntStream.range(0, partitions).boxed().collect(Collectors.toList());
    return jsc.parallelize(ids, partitions);
  }

  /** An iterator of {@code count} generated elements; no list is materialised. */
  static <T> Iterator<T> generate(long count, Function<Long, T> next) {
    return new Iterator<>() {
      long i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public T next() {
        if (i >= count) {
          throw new NoSuchElementException();
        }
        return next.apply(i++);
      }
    };
  }

  /** (count, checksum) summed over a pair RDD's records with {@code f}, in one action. */
  static <T> String sumChecksum(
      JavaRDD<T> rdd, org.apache.spark.api.java.function.Function<T, Long> f) {
    Tuple2<Long, Long> total =
        rdd.mapPartitions(
                it -> {
                  long count = 0;
                  long sum = 0;
                  while (it.hasNext()) {
                    sum += f.call(it.next());
                    count++;
                  }
                  return List.of(new Tuple2<>(count, sum)).iterator();
                })
            .reduce((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
    return "count=" + total._1() + " sum=" + Long.toHexString(total._2());
  }

  // ---------------------------------------------------------------- 1. SQL repartition

  /** @param partitions repartition(n), or if negative repartition(col) (spark.sql.shuffle.partitions) */
  static String sqlRepartition(SparkSession spark, long rows, int partitions) {
    Dataset<Row> df = repartitionRows(spark, rows);
    Dataset<Row> shuffled =
        partitions > 0
            ? df.repartition(partitions)
            : df.repartition(org.apache.spark.sql.functions.col("h"));
    return rowChecksum(spark, shuffled, row -> mix(row.getLong(0), row.getLong(1)) + row.getInt(2));
  }

  static Dataset<Row> repartitionRows(SparkSession spark, long rows) {
    return spark
        .range(0, rows, 1, MAP_PARTITIONS)
        .selectExpr("id", "xxhash64(id) AS h", "CAST(id % 7 AS INT) AS c");
  }

  /** A hash of one result row; summed over the rows it is an order-independent checksum. */
  @FunctionalInterface
  interface RowHash extends java.io.Serializable {
    long of(Row row);
  }

  /**
   * (count, sum of {@code hash}) over a Dataset's rows, computed in the tasks by
   * {@code foreachPartition} (no extra shuffle, nothing collected but two accumulators).
   */
  static String rowChecksum(SparkSession spark, Dataset<Row> rows, RowHash hash) {
    LongAccumulator count = spark.sparkContext().longAccumulator("rows");
    LongAccumulator sum = spark.sparkContext().longAccumulator("checksum");
    rows.foreachPartition(
        (ForeachPartitionFunction<Row>)
            it -> {
              long c = 0;
              long s = 0;
              while (it.hasNext()) {
                s += hash.of(it.next());
                c++;
              }
              count.add(c);
              sum.add(s);
            });
    return "count=" + count.value() + " sum=" + Long.toHexString(sum.value());
  }

  // ---------------------------------------------------------------- SQL aggregation and join

  static final long GROUP_BY_KEYS = 16_000_000L;

  static Dataset<Row> groupByRows(SparkSession spark, long rows) {
    return spark
        .range(0, rows, 1, MAP_PARTITIONS)
        .selectExpr("pmod(xxhash64(id), " + GROUP_BY_KEYS + ") AS k", "id % 1000 AS v");
  }

  static String sqlGroupBy(SparkSession spark, long rows) {
    Dataset<Row> sums =
        groupByRows(spark, rows)
            .groupBy("k")
            .agg(
                org.apache.spark.sql.functions.sum("v").as("s"),
                org.apache.spark.sql.functions.count("v").as("c"));
    return rowChecksum(
        spark, sums, row -> mix(row.getLong(0), mix(row.getLong(1), row.getLong(2))));
  }

  /** The rows partial aggregation sends through the exchange: (k, partial sum, partial count). */
  static Dataset<Row> groupByPartialRows(SparkSession spark, long rows) {
    return groupByRows(spark, rows).selectExpr("k", "v AS s", "1L AS c");
  }

  static Dataset<Row> factRows(SparkSession spark, long rows) {
    return spark
        .range(0, rows, 1, MAP_PARTITIONS)
        .selectExpr("pmod(xxhash64(id, 1), " + Math.max(1, rows / 4) + ") AS k", "id AS v");
  }

  static String sqlSortMergeJoin(SparkSession spark, long rows) {
    Dataset<Row> dimension =
        spark
            .range(0, Math.max(1, rows / 4), 1, MAP_PARTITIONS)
            .selectExpr("id AS k2", "xxhash64(id, 2) AS w");
    Dataset<Row> joined =
        factRows(spark, rows)
            .join(
                dimension,
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("k")
                    .equalTo(org.apache.spark.sql.functions.col("k2")))
            .select("k", "v", "w");
    return rowChecksum(
        spark, joined, row -> mix(row.getLong(0), mix(row.getLong(1), row.getLong(2))));
  }

  // ---------------------------------------------------------------- 2. reduceByKey

  /** @param keyRange keys uniform in [0, keyRange); 0 means random 64-bit keys */
  static String reduceByKey(SparkSession spark, long records, long keyRange) {
    return sumChecksum(
        longPairs(spark, records, keyRange).reduceByKey(Long::sum, REDUCE_PARTITIONS).map(t -> t),
        t -> mix(t._1(), t._2()));
  }

  static JavaPairRDD<Long, Long> longPairs(SparkSession spark, long records, long keyRange) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i ->
                      new Tuple2<>(
                          keyRange > 0 ? random.nextLong(keyRange) : random.nextLong(),
                          (long) random.nextInt(1000)));
            });
  }

  static final long VECTOR_KEYS = 4_000_000L;
  static final int VECTOR_LENGTH = 8;

  /** (key, long[8]) with keys uniform over {@link #VECTOR_KEYS}, elements below 2^40. */
  static JavaPairRDD<Long, long[]> vectorPairs(SparkSession spark, long records) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> {
                    long[] vector = new long[VECTOR_LENGTH];
                    for (int v = 0; v < vector.length; v++) {
                      vector[v] = random.nextLong(1L << 40);
                    }
                    return new Tuple2<>(random.nextLong(VECTOR_KEYS), vector);
                  });
            });
  }

  static String reduceByKeyVectors(SparkSession spark, long records) {
    JavaPairRDD<Long, long[]> sums =
        vectorPairs(spark, records)
            .reduceByKey(
                (a, b) -> {
                  long[] sum = new long[a.length];
                  for (int v = 0; v < a.length; v++) {
                    sum[v] = a[v] + b[v];
                  }
                  return sum;
                },
                LARGE_REDUCE_PARTITIONS);
    return sumChecksum(sums.map(t -> t), t -> mix(t._1(), Arrays.hashCode(t._2())));
  }

  // ---------------------------------------------------------------- 3. groupByKey

  /** Zipf sampler over ranks 1..n by inverse CDF (binary search); ranks map to keys 0..n-1. */
  static final class Zipf {
    private final double[] cdf;

    Zipf(int n, double s) {
      cdf = new double[n];
      double sum = 0;
      for (int k = 1; k <= n; k++) {
        sum += 1.0 / Math.pow(k, s);
        cdf[k - 1] = sum;
      }
      for (int k = 0; k < n; k++) {
        cdf[k] /= sum;
      }
    }

    long sample(SplittableRandom random) {
      int index = Arrays.binarySearch(cdf, random.nextDouble());
      return index >= 0 ? index : Math.min(cdf.length - 1, -index - 1);
    }
  }

  static JavaPairRDD<Long, Long> zipfPairs(SparkSession spark, long records) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              Zipf zipf = new Zipf(1_000_000, 1.1);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> new Tuple2<>(zipf.sample(random), (long) random.nextInt(1000)));
            });
  }

  /** A value of {@code length} letters: text-like, so lz4 finds some but little to compress. */
  static byte[] letters(SplittableRandom random, int length) {
    byte[] value = new byte[length];
    // 12 letters from one random long (26^12 < 2^63), not a call to the generator per letter,
    // which made the generator 7-10% of rdd-join-large's executor samples under either manager
    int b = 0;
    while (b < length) {
      long bits = random.nextLong() >>> 1;
      for (int k = 0; k < 12 && b < length; k++, b++) {
        value[b] = (byte) ('a' + (int) (bits % 26));
        bits /= 26;
      }
    }
    return value;
  }

  static JavaPairRDD<Long, byte[]> zipfBytePairs(SparkSession spark, long records) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              Zipf zipf = new Zipf(1_000_000, 1.1);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> new Tuple2<>(zipf.sample(random), letters(random, 64)));
            });
  }

  static String groupByKeyZipfLarge(SparkSession spark, long records) {
    return sumChecksum(
        zipfBytePairs(spark, records).groupByKey(LARGE_REDUCE_PARTITIONS).map(t -> t),
        t -> {
          long count = 0;
          long sum = 0;
          for (byte[] v : t._2()) {
            count++;
            sum += contentHash(v);
          }
          return mix(t._1(), mix(count, sum));
        });
  }

  static JavaPairRDD<Long, byte[]> joinLeftPairs(SparkSession spark, long records) {
    long keys = Math.max(1, records / 2);
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> new Tuple2<>(random.nextLong(keys), letters(random, 48)));
            });
  }

  static String rddJoin(SparkSession spark, long records) {
    long keys = Math.max(1, records / 2);
    JavaPairRDD<Long, byte[]> right =
        seeds(spark, MAP_PARTITIONS)
            .flatMapToPair(
                p -> {
                  SplittableRandom random = new SplittableRandom(SEED + 1000 + p);
                  long from = keys / MAP_PARTITIONS * p;
                  long count = p == MAP_PARTITIONS - 1 ? keys - from : keys / MAP_PARTITIONS;
                  return generate(count, i -> new Tuple2<>(from + i, letters(random, 48)));
                });
    JavaPairRDD<Long, Tuple2<byte[], byte[]>> joined =
        joinLeftPairs(spark, records).join(right, LARGE_REDUCE_PARTITIONS);
    return sumChecksum(
        joined.map(t -> t),
        t -> mix(t._1(), mix(contentHash(t._2()._1()), contentHash(t._2()._2()))));
  }

  static String groupByKeyZipf(SparkSession spark, long records) {
    return sumChecksum(
        zipfPairs(spark, records).groupByKey(REDUCE_PARTITIONS).map(t -> t),
        t -> {
          long count = 0;
          long sum = 0;
          for (Long v : t._2()) {
            count++;
            sum += v;
          }
          return mix(t._1(), mix(count, sum));
        });
  }

  static final int HOT_VALUE_BYTES = 200;
  static final long HOT_TAIL_RECORDS = 500_000;

  static JavaPairRDD<Long, byte[]> hotKeyPairs(SparkSession spark, long records) {
    long hot = Math.max(0, records - HOT_TAIL_RECORDS);
    long tail = records - hot;
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              long hotHere = perPartition(hot, p, MAP_PARTITIONS);
              return generate(
                  hotHere + perPartition(tail, p, MAP_PARTITIONS),
                  i -> {
                    // Low-entropy values (a random long, then zeros): they compress, so the shuffle
                    // files stay
                    // small while the deserialized values still take HOT_VALUE_BYTES each on the
                    // heap.
                    byte[] value = new byte[HOT_VALUE_BYTES];
                    long r = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                      value[b] = (byte) (r >>> (8 * b));
                    }
                    long key = i < hotHere ? -1L : random.nextLong(100_000);
                    return new Tuple2<>(key, value);
                  });
            });
  }

  static String groupByKeyHotKey(SparkSession spark, long records) {
    return sumChecksum(
        hotKeyPairs(spark, records).groupByKey(REDUCE_PARTITIONS).map(t -> t),
        t -> {
          long count = 0;
          long sum = 0;
          for (byte[] v : t._2()) {
            count++;
            sum += java.nio.ByteBuffer.wrap(v).getLong();
          }
          return mix(t._1(), mix(count, sum));
        });
  }

  // ---------------------------------------------------------------- 4. TeraSort

  static JavaPairRDD<String, byte[]> teraSortPairs(SparkSession spark, long records) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> {
                    char[] key = new char[10];
                    for (int c = 0; c < key.length; c++) {
                      key[c] = (char) (' ' + random.nextInt(95));
                    }
                    byte[] value = new byte[90];
                    for (int b = 0; b < value.length; b++) {
                      value[b] = (byte) ('A' + random.nextInt(26));
                    }
                    return new Tuple2<>(new String(key), value);
                  });
            });
  }

  static String teraSort(SparkSession spark, long records, int reducePartitions) {
    JavaPairRDD<String, byte[]> sorted =
        teraSortPairs(spark, records).sortByKey(true, reducePartitions);
    // Per output partition: count, checksum, first and last key, and whether it is sorted.
    List<Object[]> summaries =
        sorted
            .mapPartitionsWithIndex(
                (index, it) -> {
                  long count = 0;
                  long sum = 0;
                  String first = null;
                  String previous = null;
                  boolean ordered = true;
                  while (it.hasNext()) {
                    Tuple2<String, byte[]> t = it.next();
                    if (previous != null && previous.compareTo(t._1()) > 0) {
                      ordered = false;
                    }
                    if (first == null) {
                      first = t._1();
                    }
                    previous = t._1();
                    sum += mix(t._1().hashCode(), contentHash(t._2()));
                    count++;
                  }
                  List<Object[]> out = new ArrayList<>();
                  out.add(new Object[] {index, count, sum, first, previous, ordered});
                  return out.iterator();
                },
                true)
            .collect();
    long count = 0;
    long sum = 0;
    String lastOfPrevious = null;
    List<Object[]> byIndex = new ArrayList<>(summaries);
    byIndex.sort((a, b) -> Integer.compare((Integer) a[0], (Integer) b[0]));
    for (Object[] s : byIndex) {
      if (!(Boolean) s[5]) {
        throw new IllegalStateException("sortByKey output partition " + s[0] + " is not sorted");
      }
      if (s[3] != null) {
        if (lastOfPrevious != null && lastOfPrevious.compareTo((String) s[3]) > 0) {
          throw new IllegalStateException("sortByKey partitions out of order at partition " + s[0]);
        }
        lastOfPrevious = (String) s[4];
      }
      count += (Long) s[1];
      sum += (Long) s[2];
    }
    return "count=" + count + " sum=" + Long.toHexString(sum) + " sorted";
  }

  // ---------------------------------------------------------------- 5. spill stress

  static JavaPairRDD<Long, Long> randomLongPairs(SparkSession spark, long records) {
    return seeds(spark, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              SplittableRandom random = new SplittableRandom(SEED + p);
              return generate(
                  perPartition(records, p, MAP_PARTITIONS),
                  i -> new Tuple2<>(random.nextLong(), random.nextLong()));
            });
  }

  static String spillStress(SparkSession spark, long records) {
    return sumChecksum(
        randomLongPairs(spark, records).partitionBy(new HashPartitioner(400)).map(t -> t),
        t -> mix(t._1(), t._2()));
  }

  // ---------------------------------------------------------------- 6. TPC-H-like SQL

  static final String[] TPCH_QUERIES = {
    // Q1-like: pricing summary
    "SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty, SUM(l_extendedprice) AS sum_base,"
        + " SUM(l_extendedprice * (100 - l_discount)) AS sum_disc, COUNT(*) AS n"
        + " FROM lineitem WHERE l_shipdate <= 2400 GROUP BY l_returnflag, l_linestatus",
    // Q3-like: shipping priority, top 10 (ties broken by key so the result is deterministic)
    "SELECT * FROM (SELECT l_orderkey, o_orderdate, o_shippriority,"
        + " SUM(l_extendedprice * (100 - l_discount)) AS revenue"
        + " FROM orders JOIN lineitem ON o_orderkey = l_orderkey"
        + " WHERE o_orderdate < 1200 AND l_shipdate > 1200"
        + " GROUP BY l_orderkey, o_orderdate, o_shippriority) ORDER BY revenue DESC, l_orderkey LIMIT 10",
    // Q18-like: large-volume customers
    "SELECT o_custkey, o_orderkey, o_orderdate, big.q FROM orders JOIN"
        + " (SELECT l_orderkey, SUM(l_quantity) AS q FROM lineitem GROUP BY l_orderkey"
        + "  HAVING SUM(l_quantity) > 160) big ON o_orderkey = big.l_orderkey",
    // per-customer revenue: a wide aggregation after a join
    "SELECT o_custkey, COUNT(*) AS lines, SUM(l_extendedprice) AS spent"
        + " FROM orders JOIN lineitem ON o_orderkey = l_orderkey GROUP BY o_custkey"
  };

  static String tpchSuite(SparkSession spark, long lineitemRows) {
    long orderRows = Math.max(1, lineitemRows / 4);
    spark
        .range(0, orderRows, 1, MAP_PARTITIONS)
        .selectExpr(
            "id AS o_orderkey",
            "pmod(hash(id, 1), 150000) AS o_custkey",
            "pmod(hash(id, 2), 2400) AS o_orderdate",
            "pmod(hash(id, 3), 5) AS o_shippriority")
        .createOrReplaceTempView("orders");
    lineitemRows(spark, lineitemRows).createOrReplaceTempView("lineitem");
    StringBuilder checksum = new StringBuilder();
    for (int q = 0; q < TPCH_QUERIES.length; q++) {
      Row row =
          spark
              .sql("SELECT COUNT(*), SUM(CAST(hash(*) AS BIGINT)) FROM (" + TPCH_QUERIES[q] + ")")
              .first();
      checksum
          .append(q == 0 ? "" : " ")
          .append('q')
          .append(q + 1)
          .append('=')
          .append(row.getLong(0))
          .append('/')
          .append(row.isNullAt(1) ? "null" : Long.toHexString(row.getLong(1)));
    }
    return checksum.toString();
  }

  /** The lineitem table, the largest input of the TPC-H-like queries' shuffles. */
  static Dataset<Row> lineitemRows(SparkSession spark, long lineitemRows) {
    long orderRows = Math.max(1, lineitemRows / 4);
    return spark
        .range(0, lineitemRows, 1, MAP_PARTITIONS)
        .selectExpr(
            "pmod(xxhash64(id, 4), " + orderRows + ") AS l_orderkey",
            "CAST(1 + pmod(hash(id, 5), 50) AS BIGINT) AS l_quantity",
            "CAST((1 + pmod(hash(id, 5), 50)) * (90000 + pmod(hash(id, 6), 10000)) AS BIGINT) AS l_extendedprice",
            "CAST(pmod(hash(id, 7), 11) AS BIGINT) AS l_discount",
            "pmod(hash(id, 8), 3) AS l_returnflag",
            "pmod(hash(id, 9), 2) AS l_linestatus",
            "pmod(hash(id, 10), 2500) AS l_shipdate");
  }

  static Map<String, Workload> index() {
    Map<String, Workload> map = new LinkedHashMap<>();
    ALL.forEach(w -> map.put(w.name(), w));
    return map;
  }
}
