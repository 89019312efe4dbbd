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
package io.spillway.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.it.TaskMetricsListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * Input that is legal but unusual, against driver-side oracles that follow Spark's semantics
 * (HashPartitioner sends a null key to partition 0; Spark's combiners accept null keys):
 *
 * <ul>
 *   <li>records larger than a memory page (20 MiB values, {@code spark.buffer.pageSize=1m});
 *   <li>mostly empty map and reduce partitions, and shuffles with no record at all;
 *   <li>null keys in {@code reduceByKey}, {@code groupByKey} and {@code partitionBy}.
 * </ul>
 *
 * Keys whose hash codes all collide are in {@link CollidingKeysTest} (they need less memory).
 *
 * Spills are forced every 500 records on both sides. Each write path gets one SparkContext
 * ({@link SerializedPath}: Kryo, {@link ObjectPath}: Java serialization); after every test the
 * local directory holds no spill or temp file and no execution memory is in use. Run with
 * {@code -Dit.shuffle.manager=sort} to check the oracles against Spark's own shuffle.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputTest {

  private static final int FORCE_SPILL_RECORDS = 500;
  private static final int LARGE_VALUE_BYTES = 20 << 20;

  @Nested
  class SerializedPath extends OnOneContext {
    SerializedPath() {
      super(EdgeSupport.KRYO_SERIALIZER);
    }
  }

  @Nested
  class ObjectPath extends OnOneContext {
    ObjectPath() {
      super(EdgeSupport.JAVA_SERIALIZER);
    }
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class OnOneContext {
    private final String serializer;
    private Path localDir;
    private JavaSparkContext jsc;
    private TaskMetricsListener metrics;

    OnOneContext(String serializer) {
      this.serializer = serializer;
    }

    @BeforeAll
    void startContext() {
      localDir = EdgeSupport.freshDirectory("bad-input").resolve("local");
      jsc =
          new JavaSparkContext(
              EdgeSupport.conf("local[2]", "edge-bad-input", localDir, serializer)
                  .set("spark.buffer.pageSize", "1m")
                  .set(
                      "spark.shuffle.spill.numElementsForceSpillThreshold",
                      Integer.toString(FORCE_SPILL_RECORDS)));
      metrics = TaskMetricsListener.register(jsc.sc());
    }

    @AfterAll
    void stopContext() {
      if (jsc != null) {
        jsc.close();
      }
    }

    /** Every job of a test ran its tasks to the end: nothing may be left. */
    @AfterEach
    void nothingLeftBehind() {
      assertEquals(0, EdgeSupport.executionMemoryUsed(), "execution memory in use after the test");
      FileCensus census = FileCensus.of(localDir);
      assertEquals(
          List.of(),
          FileCensus.names(census.leftovers()),
          "spill or temp files left after the test");
    }

    @Test
    void recordsLargerThanAMemoryPage() {
      long spilledBefore = metrics.snapshot(jsc.sc()).diskBytesSpilled();
      JavaPairRDD<Integer, byte[]> records =
          jsc.parallelize(List.of(0, 1), 2).flatMapToPair(p -> withLargeValues(p).iterator());

      List<String> partitioned =
          sorted(
              records
                  .partitionBy(new HashPartitioner(3))
                  .map(r -> r._1() + "=" + digest(r._2()))
                  .collect());
      List<String> expected = new ArrayList<>();
      Map<Integer, List<String>> expectedGroups = new TreeMap<>();
      for (int p = 0; p < 2; p++) {
        for (Tuple2<Integer, byte[]> r : withLargeValues(p)) {
          expected.add(r._1() + "=" + digest(r._2()));
          expectedGroups.computeIfAbsent(r._1(), k -> new ArrayList<>()).add(digest(r._2()));
        }
      }
      expectedGroups.values().forEach(Collections::sort);
      assertEquals(sorted(expected), partitioned, "partitionBy of records with 20 MiB values");

      Map<Integer, List<String>> groups =
          new TreeMap<>(
              records
                  .groupByKey(3)
                  .mapValues(
                      values -> {
                        List<String> digests = new ArrayList<>();
                        values.forEach(v -> digests.add(digest(v)));
                        Collections.sort(digests);
                        return digests;
                      })
                  .collectAsMap());
      assertEquals(expectedGroups, groups, "groupByKey of records with 20 MiB values");
      assertTrue(
          metrics.snapshot(jsc.sc()).diskBytesSpilled() > spilledBefore,
          "the large records must go through spills");
    }

    @Test
    void mostlyEmptyMapAndReducePartitions() {
      // 40 map tasks, two with records; 64 reduce partitions, three with keys (0, 5, 42)
      JavaPairRDD<Integer, Integer> sparse =
          jsc.parallelize(range(40), 40).flatMapToPair(p -> sparseRecords(p).iterator());
      Map<Integer, List<String>> expectedRecords = new TreeMap<>();
      Map<Integer, Map<Integer, Long>> expectedSums = new TreeMap<>();
      for (int p = 0; p < 40; p++) {
        for (Tuple2<Integer, Integer> r : sparseRecords(p)) {
          int reducer = Math.floorMod(r._1(), 64);
          expectedRecords
              .computeIfAbsent(reducer, k -> new ArrayList<>())
              .add(r._1() + "=" + r._2());
          expectedSums
              .computeIfAbsent(reducer, k -> new TreeMap<>())
              .merge(r._1(), (long) r._2(), Long::sum);
        }
      }
      assertEquals(3, expectedRecords.size(), "reduce partitions with records");

      List<String> partitioned =
          byPartition(sparse.partitionBy(new HashPartitioner(64)).mapValues(v -> (Object) v));
      assertEquals(describe(64, expectedRecords), partitioned, "partitionBy, 64 reduce partitions");

      List<String> sums =
          byPartition(
              sparse
                  .mapValues(v -> (long) v)
                  .reduceByKey(Long::sum, 64)
                  .mapValues(v -> (Object) v));
      Map<Integer, List<String>> expectedSumLines = new TreeMap<>();
      expectedSums.forEach(
          (reducer, byKey) ->
              byKey.forEach(
                  (k, v) ->
                      expectedSumLines
                          .computeIfAbsent(reducer, x -> new ArrayList<>())
                          .add(k + "=" + v)));
      assertEquals(describe(64, expectedSumLines), sums, "reduceByKey, 64 reduce partitions");

      // no record at all: 8 empty map tasks into 16 reduce partitions
      JavaPairRDD<Integer, Integer> nothing =
          jsc.parallelize(Collections.<Integer>emptyList(), 8).mapToPair(i -> new Tuple2<>(i, i));
      assertEquals(0, nothing.partitionBy(new HashPartitioner(16)).count(), "empty partitionBy");
      assertEquals(0, nothing.reduceByKey(Integer::sum, 16).count(), "empty reduceByKey");
      assertEquals(0, nothing.groupByKey(16).count(), "empty groupByKey");
      assertEquals(0, nothing.sortByKey(true, 16).count(), "empty sortByKey");
    }

    @Test
    void nullKeys() {
      JavaPairRDD<Integer, Integer> records =
          jsc.parallelize(range(3), 3).flatMapToPair(p -> withNullKeys(p).iterator());
      Map<Integer, Long> expectedSums = new HashMap<>();
      Map<Integer, List<Integer>> expectedGroups = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        for (Tuple2<Integer, Integer> r : withNullKeys(p)) {
          expectedSums.merge(r._1(), (long) r._2(), Long::sum);
          expectedGroups.computeIfAbsent(r._1(), k -> new ArrayList<>()).add(r._2());
        }
      }
      expectedGroups.values().forEach(Collections::sort);
      assertTrue(expectedSums.containsKey(null), "the data has null keys");

      List<Tuple2<Integer, Long>> sums =
          records.mapValues(v -> (long) v).reduceByKey(Long::sum, 4).collect();
      assertEquals(entries(expectedSums), entries(toMap(sums)), "reduceByKey with null keys");
      assertEquals(expectedSums.size(), sums.size(), "each key once, null included");

      Map<Integer, List<Integer>> groups =
          toMap(
              records
                  .groupByKey(4)
                  .mapValues(
                      values -> {
                        List<Integer> list = new ArrayList<>();
                        values.forEach(list::add);
                        Collections.sort(list);
                        return list;
                      })
                  .collect());
      assertEquals(entries(expectedGroups), entries(groups), "groupByKey with null keys");

      // HashPartitioner sends null to partition 0, as in Spark
      List<String> nullKeyPartitions =
          records
              .reduceByKey(Integer::sum, 4)
              .mapPartitionsWithIndex(
                  (index, it) -> {
                    List<String> found = new ArrayList<>();
                    it.forEachRemaining(
                        r -> {
                          if (r._1() == null) {
                            found.add("partition " + index);
                          }
                        });
                    return found.iterator();
                  },
                  false)
              .collect();
      assertEquals(List.of("partition 0"), nullKeyPartitions, "where the null key's sum is");

      // partitionBy with a partitioner that sends null keys to the last partition
      List<String> partitioned =
          byPartition(records.partitionBy(new NullsLast(5)).mapValues(v -> (Object) v));
      Map<Integer, List<String>> expected = new TreeMap<>();
      NullsLast partitioner = new NullsLast(5);
      for (int p = 0; p < 3; p++) {
        for (Tuple2<Integer, Integer> r : withNullKeys(p)) {
          expected
              .computeIfAbsent(partitioner.getPartition(r._1()), k -> new ArrayList<>())
              .add(r._1() + "=" + r._2());
        }
      }
      assertEquals(describe(5, expected), partitioned, "partitionBy with null keys");
    }
  }

  // ---- data ----

  /** 1,500 small records per partition, and 20 MiB values for keys 7 and 11 (three in all). */
  static List<Tuple2<Integer, byte[]>> withLargeValues(int partition) {
    SplittableRandom random = new SplittableRandom(100 + partition);
    List<Tuple2<Integer, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      if (i == 700 || (partition == 0 && i == 1_200)) {
        byte[] large = new byte[LARGE_VALUE_BYTES];
        new Random(partition * 31L + i).nextBytes(large);
        records.add(new Tuple2<>(i == 700 ? 7 : 11, large));
      }
      byte[] small = new byte[1 + random.nextInt(200)];
      random.nextBytes(small);
      records.add(new Tuple2<>(random.nextInt(50), small));
    }
    return records;
  }

  /** Records only in map partitions 3 and 17, with keys in reduce partitions 0, 5 and 42 of 64. */
  static List<Tuple2<Integer, Integer>> sparseRecords(int partition) {
    if (partition != 3 && partition != 17) {
      return List.of();
    }
    SplittableRandom random = new SplittableRandom(partition);
    int[] reducers = {0, 5, 42};
    List<Tuple2<Integer, Integer>> records = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      int key = reducers[random.nextInt(3)] + 64 * random.nextInt(20);
      records.add(new Tuple2<>(key, random.nextInt(1_000)));
    }
    return records;
  }

  /** 2,000 records per partition; one in seven has a null key. */
  static List<Tuple2<Integer, Integer>> withNullKeys(int partition) {
    List<Tuple2<Integer, Integer>> records = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      int n = partition * 2_000 + i;
      records.add(new Tuple2<>(n % 7 == 0 ? null : n % 300, n));
    }
    return records;
  }

  /** Hash partitioning, except that null keys go to the last partition. */
  static final class NullsLast extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    NullsLast(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return key == null ? partitions - 1 : Math.floorMod(key.hashCode(), partitions - 1);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof NullsLast n && n.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }

  // ---- helpers ----

  /** "length:crc32" of a value. */
  static String digest(byte[] value) {
    CRC32 crc = new CRC32();
    crc.update(value);
    return value.length + ":" + Long.toHexString(crc.getValue());
  }

  /** "index:[k=v, ...]" for every partition of the RDD, records sorted, in partition order. */
  private static List<String> byPartition(JavaPairRDD<Integer, Object> rdd) {
    return rdd.mapPartitionsWithIndex(
            (index, records) -> {
              List<String> lines = new ArrayList<>();
              records.forEachRemaining(r -> lines.add(r._1() + "=" + r._2()));
              Collections.sort(lines);
              return List.of(index + ":" + lines).iterator();
            },
            true)
        .collect();
  }

  private static List<String> describe(int partitions, Map<Integer, List<String>> records) {
    return IntStream.range(0, partitions)
        .mapToObj(
            p -> {
              List<String> lines = new ArrayList<>(records.getOrDefault(p, List.of()));
              Collections.sort(lines);
              return p + ":" + lines;
            })
        .collect(Collectors.toList());
  }

  private static <K, V> Map<K, V> toMap(List<Tuple2<K, V>> pairs) {
    Map<K, V> map = new HashMap<>();
    for (Tuple2<K, V> pair : pairs) {
      map.put(pair._1(), pair._2());
    }
    return map;
  }

  /** "key=value" lines sorted, null keys first: comparable maps with a null key. */
  private static <K, V> List<String> entries(Map<K, V> map) {
    return map.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<K, V> e) -> e.getKey() != null)
                .thenComparing(e -> Objects.toString(e.getKey())))
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.toList());
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }
}
