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
package io.spillway.rdd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.combine.MergerSettings;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.HashPartitioner;
import org.apache.spark.NarrowDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.Tuple2;

/**
 * Every {@link SpillwayPairRDD} operation on seeded random data (the seed is printed), on
 * {@code local[2]} with little execution memory so the combiners spill. The subclasses choose
 * the shuffle manager: the operations must not depend on it.
 *
 * <p>The oracle is a {@code HashMap} over the input collected to the driver (no shuffle) wherever
 * the data has null keys: Spark's own aggregations, {@code groupByKey}, {@code cogroup} and joins
 * return a null key's neighbours twice when their reduce side spills (its in-memory map hands the
 * null key out first, while the spill merge expects every stream in hash order, null as 0), so
 * Spark's answer is not an oracle there. Spark's own operation is the oracle where keys are never
 * null ({@code sortByKey}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SpillwayPairRDDTestBase {

  /**
   * Data per MiB of {@code spark.testing.memory}. Execution memory is 0.6 of it
   * ({@code spark.memory.fraction}) for the whole executor; with 15k records per MiB (about 13k
   * distinct keys per MiB over 2 partitions, 110-130 heap bytes per key) each task's share of the
   * data is larger than the whole executor's execution memory, so the combiners spill on both
   * sides whether or not the other task is running, and the test does not depend on timing.
   */
  private static final int RECORDS_PER_MIB = 15_000;

  private static final int DISTINCT_KEYS = 1_000_000;
  private static final int INPUT_PARTITIONS = 2;
  private static final int OUTPUT_PARTITIONS = 2;

  /**
   * The defaults. Fewer spill partitions (8) would be faster, but under Spillway's manager a
   * map-side merger then holds bigger partition maps while the shuffle writer in the same task
   * needs its pages, and a merger whose output is being read cannot be spilled on request (see
   * MemoryReservation), so at a few MiB the writer fails to get memory.
   */
  private static final MergerSettings TEST_SETTINGS = MergerSettings.defaults();

  private int records;
  private JavaSparkContext sc;
  private final SpillCounter resultTaskSpills = new SpillCounter();

  /** Class name or short name of the shuffle manager under test. */
  abstract String shuffleManager();

  /** {@code spark.testing.memory}: as small as the shuffle manager's own writer allows. */
  abstract int testMemoryMiB();

  @BeforeAll
  void startSpark() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName(getClass().getSimpleName())
            .set("spark.shuffle.manager", shuffleManager())
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.testing.memory", String.valueOf((long) testMemoryMiB() << 20))
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    records = RECORDS_PER_MIB * testMemoryMiB();
    sc = new JavaSparkContext(conf);
    sc.sc().addSparkListener(resultTaskSpills);
  }

  @AfterAll
  void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  @BeforeEach
  void resetCounters() {
    resultTaskSpills.reset();
  }

  @AfterEach
  void noSpillFilesLeft() {
    List<String> left = new ArrayList<>();
    for (File file :
        scala.jdk.javaapi.CollectionConverters.asJava(
            SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
      if (file.getName().startsWith("temp_local_")) {
        left.add(file.getName());
      }
    }
    assertEquals(List.of(), left, "spill files left behind");
  }

  // ------------------------------------------------------------------ data

  private static <K, V> SpillwayPairRDD<K, V> spillway(JavaPairRDD<K, V> pairs) {
    return SpillwayPairRDD.of(pairs).withSettings(TEST_SETTINGS);
  }

  /** Seeded random pairs generated inside the tasks (so recomputation is identical); some keys null. */
  private JavaPairRDD<String, Long> randomPairs(long seed) {
    System.out.println(getClass().getSimpleName() + ": random pairs with seed " + seed);
    List<Integer> partitions = new ArrayList<>();
    for (int i = 0; i < INPUT_PARTITIONS; i++) {
      partitions.add(i);
    }
    int perPartition = records / INPUT_PARTITIONS;
    return sc.parallelize(partitions, INPUT_PARTITIONS)
        .flatMapToPair(
            partition -> {
              Random random = new Random(seed * 31 + partition);
              List<Tuple2<String, Long>> records = new ArrayList<>(perPartition);
              for (int i = 0; i < perPartition; i++) {
                String key =
                    random.nextInt(1000) == 0
                        ? null
                        : "key-" + (10_000_000 + random.nextInt(DISTINCT_KEYS));
                records.add(new Tuple2<>(key, (long) random.nextInt(1_000_000)));
              }
              return records.iterator();
            });
  }

  private JavaPairRDD<String, Long> randomNonNullPairs(long seed) {
    return randomPairs(seed).filter(pair -> pair._1() != null);
  }

  private JavaPairRDD<Integer, Long> randomIntPairs(long seed) {
    return randomPairs(seed)
        .filter(pair -> pair._1() != null)
        .mapToPair(pair -> new Tuple2<>(Integer.parseInt(pair._1().substring(4)) / 3, pair._2()));
  }

  private <K, V> Map<K, V> asMap(JavaPairRDD<K, V> rdd) {
    // collect() rather than collectAsMap(): a duplicate key must show as a size mismatch.
    List<Tuple2<K, V>> records = rdd.collect();
    Map<K, V> map = new HashMap<>();
    for (Tuple2<K, V> record : records) {
      map.put(record._1(), record._2());
    }
    assertEquals(records.size(), map.size(), "each key once");
    return map;
  }

  /**
   * Each key's combiner, computed on the driver from the input collected without a shuffle
   * (null keys included, which is what Spark's own spilling combiners get wrong).
   */
  private static <K, V, C> Map<K, C> oracle(
      JavaPairRDD<K, V> pairs,
      java.util.function.Function<V, C> create,
      java.util.function.BiFunction<C, V, C> merge) {
    Map<K, C> combiners = new HashMap<>();
    for (Tuple2<K, V> record : pairs.collect()) {
      C current = combiners.get(record._1());
      combiners.put(
          record._1(),
          current == null && !combiners.containsKey(record._1())
              ? create.apply(record._2())
              : merge.apply(current, record._2()));
    }
    return combiners;
  }

  /** Each key's values, sorted; from the input collected to the driver. */
  private static <K> Map<K, List<Long>> groupsOracle(JavaPairRDD<K, Long> pairs) {
    Map<K, List<Long>> groups =
        oracle(
            pairs,
            v -> new ArrayList<>(List.of(v)),
            (list, v) -> {
              list.add(v);
              return list;
            });
    groups.replaceAll((key, values) -> sorted(values));
    return groups;
  }

  private void assertResultTasksSpilled() throws Exception {
    sc.sc().listenerBus().waitUntilEmpty();
    assertTrue(
        resultTaskSpills.diskBytes.get() > 0, "the reduce-side combiner must have spilled to disk");
    assertTrue(
        resultTaskSpills.memoryBytes.get() > 0,
        "the reduce-side combiner must report memory spilled");
    assertTrue(
        resultTaskSpills.peakMemoryBytes.get() > 0, "peak execution memory must be reported");
  }

  private static List<Long> sorted(Iterable<Long> values) {
    List<Long> list = new ArrayList<>();
    values.forEach(list::add);
    list.sort(Comparator.naturalOrder());
    return list;
  }

  // ------------------------------------------------------------------ operations

  @Test
  void reduceByKeyEqualsOracleAndSpills() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(1);
    Map<String, Long> ours = asMap(spillway(pairs).reduceByKey(Long::sum, OUTPUT_PARTITIONS));
    assertResultTasksSpilled();
    Map<String, Long> expected = oracle(pairs, v -> v, Long::sum);
    assertTrue(expected.containsKey(null), "the data has null keys");
    assertEquals(expected, ours);
  }

  @Test
  void combineByKeyWithAndWithoutMapSideCombineEqualsOracle() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(2);
    HashPartitioner partitioner = new HashPartitioner(OUTPUT_PARTITIONS);
    Map<String, Long> spark = oracle(pairs, v -> v, Math::max);
    for (boolean mapSideCombine : new boolean[] {true, false}) {
      resultTaskSpills.reset();
      JavaPairRDD<String, Long> max =
          spillway(pairs).combineByKey(v -> v, Math::max, Math::max, partitioner, mapSideCombine);
      assertEquals(spark, asMap(max), "mapSideCombine=" + mapSideCombine);
      assertResultTasksSpilled();
      assertEquals(partitioner, max.partitioner().get(), "the result keeps the partitioner");
    }
  }

  @Test
  void aggregateByKeyEqualsOracleWithAMutableZero() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(3);
    // The functions mutate the zero: every key must get its own copy.
    Map<String, long[]> ours =
        asMap(
            spillway(pairs)
                .aggregateByKey(
                    new long[2],
                    OUTPUT_PARTITIONS,
                    (acc, v) -> {
                      acc[0]++;
                      acc[1] += v;
                      return acc;
                    },
                    (a, b) -> {
                      a[0] += b[0];
                      a[1] += b[1];
                      return a;
                    }));
    assertResultTasksSpilled();
    Map<String, long[]> spark =
        oracle(
            pairs,
            v -> new long[] {1, v},
            (acc, v) -> {
              acc[0]++;
              acc[1] += v;
              return acc;
            });
    assertTrue(spark.containsKey(null), "the data has null keys");
    assertEquals(spark.size(), ours.size());
    for (Map.Entry<String, long[]> entry : spark.entrySet()) {
      long[] actual = ours.get(entry.getKey());
      assertEquals(entry.getValue()[0], actual[0], "count of " + entry.getKey());
      assertEquals(entry.getValue()[1], actual[1], "sum of " + entry.getKey());
    }
  }

  @Test
  void foldByKeyEqualsOracle() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(4);
    // Through the Scala entry point: an RDD of tuples with its class tags.
    SpillwayPairRDD<String, Long> fromScala =
        SpillwayPairRDD.of(pairs.rdd(), pairs.kClassTag(), pairs.vClassTag())
            .withSettings(TEST_SETTINGS);
    Map<String, Long> ours = asMap(fromScala.foldByKey(0L, OUTPUT_PARTITIONS, Long::sum));
    assertResultTasksSpilled();
    assertEquals(oracle(pairs, v -> v, Long::sum), ours);
  }

  @Test
  void groupByKeyEqualsOracleAsSortedLists() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(5);
    Map<String, List<Long>> ours =
        asMap(
            spillway(pairs)
                .withSettings(TEST_SETTINGS.withListSpillThresholdBytes(64 << 10))
                .groupByKey(OUTPUT_PARTITIONS)
                .mapValues(SpillwayPairRDDTestBase::sorted));
    assertResultTasksSpilled();
    Map<String, List<Long>> expected = groupsOracle(pairs);
    assertTrue(expected.containsKey(null), "the data has null keys");
    assertEquals(expected, ours);
  }

  @Test
  void groupByKeyWithOneKeyLargerThanTaskMemory() throws Exception {
    // About 30 heap bytes per boxed long in a list: more than twice the executor's memory.
    long valuesOfBigKey = 50_000L * testMemoryMiB();
    JavaPairRDD<Integer, Long> pairs =
        sc.parallelize(List.of(0, 1), 2)
            .flatMapToPair(partition -> bigKeyRecords(partition, valuesOfBigKey / 2));
    Map<Integer, Tuple2<Long, Long>> countAndSum =
        asMap(
            spillway(pairs)
                .withSettings(TEST_SETTINGS.withListSpillThresholdBytes(256 << 10))
                .groupByKey(2)
                .mapValues(
                    values -> {
                      long count = 0;
                      long sum = 0;
                      for (Long value : values) {
                        count++;
                        sum += value;
                      }
                      // Iterate twice: the groups are re-iterable.
                      long again = 0;
                      for (Long ignored : values) {
                        again++;
                      }
                      if (again != count) {
                        throw new IllegalStateException(
                            "second iteration saw " + again + " of " + count + " values");
                      }
                      return new Tuple2<>(count, sum);
                    }));
    assertResultTasksSpilled();
    // The two partitions emit the even and the odd numbers of 0..n-1 for key 0.
    Tuple2<Long, Long> big = countAndSum.get(0);
    long n = valuesOfBigKey;
    assertEquals(n, (long) big._1(), "count of the big key");
    assertEquals(n * (n - 1) / 2, (long) big._2(), "sum of the big key");
  }

  /**
   * Partition {@code partition} (0 or 1) of key 0's values: {@code 2i + partition} for i below
   * {@code count}, so both partitions together hold 0..2count-1. Every 100th record is an extra
   * one for a small key, so the big key shares its partitions.
   */
  private static Iterator<Tuple2<Integer, Long>> bigKeyRecords(int partition, long count) {
    return new Iterator<>() {
      private long emitted;
      private long nextValue;

      @Override
      public boolean hasNext() {
        return nextValue < count;
      }

      @Override
      public Tuple2<Integer, Long> next() {
        if (++emitted % 100 == 0) {
          return new Tuple2<>((int) (emitted % 7) + 1, 1L);
        }
        return new Tuple2<>(0, 2 * nextValue++ + partition);
      }
    };
  }

  @Test
  void sortByKeyEqualsSparkInBothDirections() throws Exception {
    JavaPairRDD<String, Long> pairs = randomNonNullPairs(6);
    for (boolean ascending : new boolean[] {true, false}) {
      resultTaskSpills.reset();
      List<Tuple2<String, Long>> ours =
          spillway(pairs).sortByKey(ascending, OUTPUT_PARTITIONS).collect();
      assertResultTasksSpilled();
      List<Tuple2<String, Long>> spark = pairs.sortByKey(ascending, OUTPUT_PARTITIONS).collect();
      assertEquals(keys(spark), keys(ours), "key order, ascending=" + ascending);
      assertEquals(
          sortedRecords(spark), sortedRecords(ours), "same records, ascending=" + ascending);
    }
  }

  @Test
  void sortByKeyWithACustomComparator() throws Exception {
    JavaPairRDD<Integer, Long> pairs = randomIntPairs(7);
    Comparator<Integer> byLastDigitThenValue = new LastDigitFirst();
    List<Integer> ours =
        spillway(pairs).sortByKey(byLastDigitThenValue, true, OUTPUT_PARTITIONS).keys().collect();
    List<Integer> spark =
        pairs.sortByKey(byLastDigitThenValue, true, OUTPUT_PARTITIONS).keys().collect();
    assertEquals(spark, ours);
  }

  /** Orders by the last decimal digit, then by value. */
  private static final class LastDigitFirst implements Comparator<Integer>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Integer left, Integer right) {
      int order = Integer.compare(left % 10, right % 10);
      return order != 0 ? order : Integer.compare(left, right);
    }
  }

  @Test
  void alreadyPartitionedInputIsCombinedWithoutAnotherShuffle() throws Exception {
    HashPartitioner partitioner = new HashPartitioner(OUTPUT_PARTITIONS);
    JavaPairRDD<String, Long> partitioned = randomPairs(8).partitionBy(partitioner);
    JavaPairRDD<String, Long> sums = spillway(partitioned).reduceByKey(Long::sum, partitioner);
    assertTrue(
        sums.rdd().dependencies().head() instanceof NarrowDependency,
        "no shuffle after partitionBy");
    assertEquals(oracle(partitioned, v -> v, Long::sum), asMap(sums));
  }

  @Test
  void emptyRddGivesEmptyResults() throws Exception {
    JavaPairRDD<String, Long> empty = JavaPairRDD.fromJavaRDD(sc.<Tuple2<String, Long>>emptyRDD());
    SpillwayPairRDD<String, Long> wrapped = spillway(empty);
    assertTrue(wrapped.reduceByKey(Long::sum, 2).collect().isEmpty());
    assertTrue(
        wrapped
            .combineByKey(v -> v, Long::sum, Long::sum, new HashPartitioner(2), false)
            .collect()
            .isEmpty());
    assertTrue(wrapped.aggregateByKey(0L, 2, Long::sum, Long::sum).collect().isEmpty());
    assertTrue(wrapped.foldByKey(0L, 2, Long::sum).collect().isEmpty());
    assertTrue(wrapped.groupByKey(2).collect().isEmpty());
    assertTrue(wrapped.sortByKey(true, 2).collect().isEmpty());
    assertTrue(wrapped.cogroup(empty, 2).collect().isEmpty());
    assertTrue(wrapped.join(empty, 2).collect().isEmpty());
    assertTrue(wrapped.fullOuterJoin(empty, 2).collect().isEmpty());
  }

  @Test
  void smallGroupsCanBeCollected() throws Exception {
    JavaPairRDD<String, Long> pairs =
        sc.parallelizePairs(
            List.of(new Tuple2<>("a", 1L), new Tuple2<>(null, 2L), new Tuple2<>("a", 3L)), 2);
    Map<String, List<Long>> groups =
        asMap(SpillwayPairRDD.of(pairs).groupByKey(2)).entrySet().stream()
            .collect(
                HashMap::new,
                (map, e) -> map.put(e.getKey(), sorted(e.getValue())),
                HashMap::putAll);
    Map<String, List<Long>> expected = new HashMap<>();
    expected.put("a", List.of(1L, 3L));
    expected.put(null, List.of(2L));
    assertEquals(expected, groups);
  }

  @Test
  void invalidArgumentsAreRejectedWithTheValue() throws Exception {
    SpillwayPairRDD<String, Long> wrapped = spillway(randomPairs(9));
    IllegalArgumentException partitions =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> wrapped.reduceByKey(Long::sum, 0));
    assertTrue(partitions.getMessage().contains("got 0"), partitions.getMessage());
    Comparator<String> notSerializable = (a, b) -> a.compareTo(b);
    IllegalArgumentException comparator =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> wrapped.sortByKey(notSerializable, true, 2));
    assertTrue(comparator.getMessage().contains("Serializable"), comparator.getMessage());
    assertFalse(sc.sc().isStopped());
  }

  // ------------------------------------------------------------------ null keys, cogroup and joins

  /**
   * The case Spark's spilling combiners get wrong: every key in both map partitions (so each
   * key's values meet in the reduce-side merge) plus one null key, and a forced spill every 1000
   * records on the reduce side.
   */
  private static final MergerSettings FORCED_SPILLS = TEST_SETTINGS.withForceSpillRecords(1000);

  private static final int DENSE_KEYS = 5_000;

  /**
   * Per input partition: each key "key-i" of i in [from, to) once, and the null key three times
   * (one of them among the first 200 records), in seeded random order, with random values.
   * String hash codes are positive and negative.
   */
  private JavaPairRDD<String, Long> everyKeyInEveryPartitionAndNull(long seed, int from, int to) {
    System.out.println(getClass().getSimpleName() + ": dense keys with a null key, seed " + seed);
    List<Integer> partitions = List.of(0, 1);
    return sc.parallelize(partitions, partitions.size())
        .flatMapToPair(
            partition -> {
              Random random = new Random(seed * 31 + partition);
              List<Tuple2<String, Long>> records = new ArrayList<>();
              for (int i = from; i < to; i++) {
                records.add(new Tuple2<>("key-" + i, (long) random.nextInt(1_000_000)));
              }
              for (int i = 0; i < 3; i++) {
                records.add(new Tuple2<>(null, (long) random.nextInt(1_000_000)));
              }
              java.util.Collections.shuffle(records, random);
              // One null record early, so the null key is in a reducer's first forced spill
              // (written
              // unpartitioned) as well as in later ones (written by partition).
              int firstNull =
                  records.indexOf(
                      new Tuple2<String, Long>(
                          null,
                          records.stream().filter(r -> r._1() == null).findFirst().get()._2()));
              java.util.Collections.swap(records, firstNull, random.nextInt(200));
              return records.iterator();
            });
  }

  @Test
  void aggregationsWithANullKeyUnderForcedSpillsEqualTheOracle() throws Exception {
    JavaPairRDD<String, Long> pairs = everyKeyInEveryPartitionAndNull(11, 0, DENSE_KEYS);
    SpillwayPairRDD<String, Long> wrapped = spillway(pairs).withSettings(FORCED_SPILLS);
    Map<String, Long> sums = oracle(pairs, v -> v, Long::sum);
    assertEquals(DENSE_KEYS + 1, sums.size(), "the oracle has every key and null");

    assertEquals(sums, asMap(wrapped.reduceByKey(Long::sum, OUTPUT_PARTITIONS)), "reduceByKey");
    assertResultTasksSpilled();
    assertEquals(sums, asMap(wrapped.foldByKey(0L, OUTPUT_PARTITIONS, Long::sum)), "foldByKey");
    HashPartitioner partitioner = new HashPartitioner(OUTPUT_PARTITIONS);
    for (boolean mapSideCombine : new boolean[] {true, false}) {
      assertEquals(
          sums,
          asMap(wrapped.combineByKey(v -> v, Long::sum, Long::sum, partitioner, mapSideCombine)),
          "combineByKey, mapSideCombine=" + mapSideCombine);
    }
    Map<String, Long> counts = oracle(pairs, v -> 1L, (c, v) -> c + 1);
    assertEquals(
        counts,
        asMap(wrapped.aggregateByKey(0L, OUTPUT_PARTITIONS, (c, v) -> c + 1, Long::sum)),
        "aggregateByKey");
    resultTaskSpills.reset();
    assertEquals(
        groupsOracle(pairs),
        asMap(wrapped.groupByKey(OUTPUT_PARTITIONS).mapValues(SpillwayPairRDDTestBase::sorted)),
        "groupByKey");
    assertResultTasksSpilled();
  }

  @Test
  void cogroupWithANullKeyUnderForcedSpillsEqualsTheOracle() throws Exception {
    JavaPairRDD<String, Long> left = everyKeyInEveryPartitionAndNull(12, 0, DENSE_KEYS);
    JavaPairRDD<String, Long> right =
        everyKeyInEveryPartitionAndNull(13, DENSE_KEYS / 2, DENSE_KEYS * 3 / 2);
    Map<String, List<Long>> leftGroups = groupsOracle(left);
    Map<String, List<Long>> rightGroups = groupsOracle(right);
    Map<String, Tuple2<List<Long>, List<Long>>> expected = new HashMap<>();
    for (String key : union(leftGroups, rightGroups)) {
      expected.put(
          key,
          new Tuple2<>(
              leftGroups.getOrDefault(key, List.of()), rightGroups.getOrDefault(key, List.of())));
    }
    Map<String, Tuple2<List<Long>, List<Long>>> ours =
        asMap(
            spillway(left)
                .withSettings(FORCED_SPILLS)
                .cogroup(right, OUTPUT_PARTITIONS)
                .mapValues(sides -> new Tuple2<>(sorted(sides._1()), sorted(sides._2()))));
    assertResultTasksSpilled();
    assertEquals(DENSE_KEYS * 3 / 2 + 1, expected.size(), "keys of either side, null included");
    assertEquals(expected, ours);
  }

  @Test
  void joinsWithANullKeyUnderForcedSpillsEqualTheOracle() throws Exception {
    JavaPairRDD<String, Long> left = everyKeyInEveryPartitionAndNull(14, 0, DENSE_KEYS);
    JavaPairRDD<String, Long> right =
        everyKeyInEveryPartitionAndNull(15, DENSE_KEYS / 2, DENSE_KEYS * 3 / 2);
    Map<String, List<Long>> leftGroups = groupsOracle(left);
    Map<String, List<Long>> rightGroups = groupsOracle(right);
    SpillwayPairRDD<String, Long> wrapped = spillway(left).withSettings(FORCED_SPILLS);

    List<String> inner = joinOracle(leftGroups, rightGroups, false, false);
    assertSameLines(inner, describeAll(wrapped.join(right, OUTPUT_PARTITIONS)), "join");
    assertResultTasksSpilled();
    assertTrue(
        inner.contains("null|" + leftGroups.get(null).get(0) + "|" + rightGroups.get(null).get(0)),
        "the null key joins");
    assertSameLines(
        joinOracle(leftGroups, rightGroups, false, true),
        describeAll(wrapped.leftOuterJoin(right, OUTPUT_PARTITIONS)),
        "leftOuterJoin");
    assertSameLines(
        joinOracle(leftGroups, rightGroups, true, false),
        describeAll(wrapped.rightOuterJoin(right, OUTPUT_PARTITIONS)),
        "rightOuterJoin");
    assertSameLines(
        joinOracle(leftGroups, rightGroups, true, true),
        describeAll(wrapped.fullOuterJoin(right, OUTPUT_PARTITIONS)),
        "fullOuterJoin");
  }

  @Test
  void joinOfAlreadyPartitionedSidesShufflesNeither() throws Exception {
    HashPartitioner partitioner = new HashPartitioner(OUTPUT_PARTITIONS);
    JavaPairRDD<String, Long> left =
        everyKeyInEveryPartitionAndNull(16, 0, 100).partitionBy(partitioner);
    JavaPairRDD<String, Long> right =
        everyKeyInEveryPartitionAndNull(17, 50, 150).partitionBy(partitioner);
    JavaPairRDD<String, Tuple2<Long, Long>> joined = spillway(left).join(right, partitioner);
    assertEquals(partitioner, joined.partitioner().get(), "the result keeps the partitioner");
    assertEquals(
        0,
        shuffleDependencies(joined.rdd())
            - shuffleDependencies(left.rdd())
            - shuffleDependencies(right.rdd()),
        "no shuffle besides the two partitionBy");
    assertSameLines(
        joinOracle(groupsOracle(left), groupsOracle(right), false, false),
        describeAll(joined),
        "join");
  }

  @Test
  void joinWithOneKeyLargerThanTaskMemory() throws Exception {
    long valuesOfBigKey = 50_000L * testMemoryMiB();
    JavaPairRDD<Integer, Long> left =
        sc.parallelize(List.of(0, 1), 2)
            .flatMapToPair(partition -> bigKeyRecords(partition, valuesOfBigKey / 2));
    JavaPairRDD<Integer, Long> right =
        sc.parallelizePairs(
            List.of(
                new Tuple2<>(0, 1_000L),
                new Tuple2<>(0, 2_000L),
                new Tuple2<>(0, 3_000L),
                new Tuple2<>(-1, 7L)),
            2);
    JavaPairRDD<Integer, Tuple2<Long, Long>> joined =
        spillway(left)
            .withSettings(TEST_SETTINGS.withListSpillThresholdBytes(256 << 10))
            .join(right, 2);
    // Summed on the executors: the 3n pairs of the big key are too many to collect.
    long[] countAndSum =
        joined
            .values()
            .map(pair -> new long[] {1, pair._1() + pair._2()})
            .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    assertResultTasksSpilled();
    long n = valuesOfBigKey;
    assertEquals(3 * n, countAndSum[0], "pairs of the big key");
    assertEquals(3 * (n * (n - 1) / 2) + n * 6_000L, countAndSum[1], "sum over the pairs");
  }

  private static int shuffleDependencies(org.apache.spark.rdd.RDD<?> rdd) {
    int count = 0;
    for (org.apache.spark.Dependency<?> dependency :
        scala.jdk.javaapi.CollectionConverters.asJava(rdd.dependencies())) {
      count +=
          (dependency instanceof org.apache.spark.ShuffleDependency ? 1 : 0)
              + shuffleDependencies(dependency.rdd());
    }
    return count;
  }

  private static <K> java.util.Set<K> union(Map<K, ?> left, Map<K, ?> right) {
    java.util.Set<K> keys = new java.util.HashSet<>(left.keySet());
    keys.addAll(right.keySet());
    return keys;
  }

  /**
   * The expected records of a join as sorted "key|left|right" lines; a side that is an
   * {@code Optional} in the result is written "some(v)" or "none".
   */
  private static List<String> joinOracle(
      Map<String, List<Long>> left,
      Map<String, List<Long>> right,
      boolean leftOptional,
      boolean rightOptional) {
    List<String> lines = new ArrayList<>();
    for (String key : union(left, right)) {
      List<Long> l = left.getOrDefault(key, List.of());
      List<Long> r = right.getOrDefault(key, List.of());
      if (!l.isEmpty() && !r.isEmpty()) {
        for (Long v : l) {
          for (Long w : r) {
            lines.add(key + "|" + side(v, leftOptional) + "|" + side(w, rightOptional));
          }
        }
      } else if (!l.isEmpty() && rightOptional) {
        l.forEach(v -> lines.add(key + "|" + side(v, leftOptional) + "|none"));
      } else if (!r.isEmpty() && leftOptional) {
        r.forEach(w -> lines.add(key + "|none|" + side(w, rightOptional)));
      }
    }
    lines.sort(Comparator.naturalOrder());
    return lines;
  }

  /** Equal sorted lines, reporting the sizes and the first difference rather than both lists. */
  private static void assertSameLines(List<String> expected, List<String> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    int common = Math.min(expected.size(), actual.size());
    int first = 0;
    while (first < common && expected.get(first).equals(actual.get(first))) {
      first++;
    }
    org.junit.jupiter.api.Assertions.fail(
        what
            + ": "
            + expected.size()
            + " records expected, "
            + actual.size()
            + " returned; first difference at "
            + first
            + ": expected "
            + (first < expected.size() ? expected.get(first) : "nothing")
            + ", got "
            + (first < actual.size() ? actual.get(first) : "nothing"));
  }

  private static String side(Long value, boolean optional) {
    return optional ? "some(" + value + ")" : String.valueOf(value);
  }

  /** A join's records as sorted "key|left|right" lines, each once per occurrence. */
  private static <A, B> List<String> describeAll(JavaPairRDD<String, Tuple2<A, B>> joined) {
    List<String> lines = new ArrayList<>();
    for (Tuple2<String, Tuple2<A, B>> record : joined.collect()) {
      lines.add(record._1() + "|" + describe(record._2()._1()) + "|" + describe(record._2()._2()));
    }
    lines.sort(Comparator.naturalOrder());
    return lines;
  }

  private static String describe(Object side) {
    if (side instanceof org.apache.spark.api.java.Optional<?> optional) {
      return optional.isPresent() ? "some(" + optional.get() + ")" : "none";
    }
    return String.valueOf(side);
  }

  private static <K> List<K> keys(List<Tuple2<K, Long>> records) {
    List<K> keys = new ArrayList<>(records.size());
    records.forEach(record -> keys.add(record._1()));
    return keys;
  }

  private static <K extends Comparable<K>> List<Tuple2<K, Long>> sortedRecords(
      List<Tuple2<K, Long>> records) {
    List<Tuple2<K, Long>> copy = new ArrayList<>(records);
    copy.sort(Comparator.<Tuple2<K, Long>, K>comparing(Tuple2::_1).thenComparing(Tuple2::_2));
    return copy;
  }

  /** Spills reported by result tasks: the reduce side of the operation under test. */
  private static final class SpillCounter extends SparkListener {
    final AtomicLong diskBytes = new AtomicLong();
    final AtomicLong memoryBytes = new AtomicLong();
    final AtomicLong peakMemoryBytes = new AtomicLong();

    void reset() {
      diskBytes.set(0);
      memoryBytes.set(0);
      peakMemoryBytes.set(0);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      if ("ResultTask".equals(taskEnd.taskType()) && taskEnd.taskMetrics() != null) {
        diskBytes.addAndGet(taskEnd.taskMetrics().diskBytesSpilled());
        memoryBytes.addAndGet(taskEnd.taskMetrics().memoryBytesSpilled());
        peakMemoryBytes.accumulateAndGet(taskEnd.taskMetrics().peakExecutionMemory(), Math::max);
      }
    }
  }
}
