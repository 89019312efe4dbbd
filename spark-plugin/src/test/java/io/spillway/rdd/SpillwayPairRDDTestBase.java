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

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.spillway.combine.MergerSettings;
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
 * Every {@link SpillwayPairRDD} operation against Spark's own operation on the same seeded
 * random data, on {@code local[2]} with little execution memory so the combiners spill. The
 * subclasses choose the shuffle manager: the operations must not depend on it.
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
   * needs its pages, and the merger's reservation cannot be spilled on request (see
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
    SparkConf conf = new SparkConf()
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
    for (File file : scala.jdk.javaapi.CollectionConverters.asJava(
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
    List<Integer> partitions = new ArrayList<>();
    for (int i = 0; i < INPUT_PARTITIONS; i++) {
      partitions.add(i);
    }
    int perPartition = records / INPUT_PARTITIONS;
    return sc.parallelize(partitions, INPUT_PARTITIONS).flatMapToPair(partition -> {
      Random random = new Random(seed * 31 + partition);
      List<Tuple2<String, Long>> records = new ArrayList<>(perPartition);
      for (int i = 0; i < perPartition; i++) {
        String key = random.nextInt(1000) == 0 ? null : "key-" + (10_000_000 + random.nextInt(DISTINCT_KEYS));
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

  private void assertResultTasksSpilled() throws Exception {
    sc.sc().listenerBus().waitUntilEmpty();
    assertTrue(resultTaskSpills.diskBytes.get() > 0, "the reduce-side combiner must have spilled to disk");
    assertTrue(resultTaskSpills.memoryBytes.get() > 0, "the reduce-side combiner must report memory spilled");
    assertTrue(resultTaskSpills.peakMemoryBytes.get() > 0, "peak execution memory must be reported");
  }

  private static List<Long> sorted(Iterable<Long> values) {
    List<Long> list = new ArrayList<>();
    values.forEach(list::add);
    list.sort(Comparator.naturalOrder());
    return list;
  }

  // ------------------------------------------------------------------ operations

  @Test
  void reduceByKeyEqualsSparkAndSpills() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(1);
    Map<String, Long> ours = asMap(spillway(pairs).reduceByKey(Long::sum, OUTPUT_PARTITIONS));
    assertResultTasksSpilled();
    Map<String, Long> spark = asMap(pairs.reduceByKey(Long::sum, OUTPUT_PARTITIONS));
    assertTrue(spark.containsKey(null), "the data has null keys");
    assertEquals(spark, ours);
  }

  @Test
  void combineByKeyWithAndWithoutMapSideCombineEqualsSpark() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(2);
    HashPartitioner partitioner = new HashPartitioner(OUTPUT_PARTITIONS);
    Map<String, Long> spark = asMap(pairs.combineByKey(v -> v, Math::max, Math::max, partitioner));
    for (boolean mapSideCombine : new boolean[] {true, false}) {
      resultTaskSpills.reset();
      JavaPairRDD<String, Long> max = spillway(pairs)
          .combineByKey(v -> v, Math::max, Math::max, partitioner, mapSideCombine);
      assertEquals(spark, asMap(max), "mapSideCombine=" + mapSideCombine);
      assertResultTasksSpilled();
      assertEquals(partitioner, max.partitioner().get(), "the result keeps the partitioner");
    }
  }

  @Test
  void aggregateByKeyEqualsSparkWithAMutableZero() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(3);
    // The functions mutate the zero: every key must get its own copy.
    Map<String, long[]> ours = asMap(spillway(pairs).aggregateByKey(new long[2], OUTPUT_PARTITIONS,
        (acc, v) -> { acc[0]++; acc[1] += v; return acc; },
        (a, b) -> { a[0] += b[0]; a[1] += b[1]; return a; }));
    assertResultTasksSpilled();
    Map<String, long[]> spark = asMap(pairs.aggregateByKey(new long[2], OUTPUT_PARTITIONS,
        (acc, v) -> { acc[0]++; acc[1] += v; return acc; },
        (a, b) -> { a[0] += b[0]; a[1] += b[1]; return a; }));
    assertEquals(spark.size(), ours.size());
    for (Map.Entry<String, long[]> entry : spark.entrySet()) {
      long[] actual = ours.get(entry.getKey());
      assertEquals(entry.getValue()[0], actual[0], "count of " + entry.getKey());
      assertEquals(entry.getValue()[1], actual[1], "sum of " + entry.getKey());
    }
  }

  @Test
  void foldByKeyEqualsSpark() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(4);
    // Through the Scala entry point: an RDD of tuples with its class tags.
    SpillwayPairRDD<String, Long> fromScala =
        SpillwayPairRDD.of(pairs.rdd(), pairs.kClassTag(), pairs.vClassTag()).withSettings(TEST_SETTINGS);
    Map<String, Long> ours = asMap(fromScala.foldByKey(0L, OUTPUT_PARTITIONS, Long::sum));
    assertResultTasksSpilled();
    assertEquals(asMap(pairs.foldByKey(0L, OUTPUT_PARTITIONS, Long::sum)), ours);
  }

  @Test
  void groupByKeyEqualsSparkAsSortedLists() throws Exception {
    JavaPairRDD<String, Long> pairs = randomPairs(5);
    Map<String, List<Long>> ours = asMap(spillway(pairs)
        .withSettings(TEST_SETTINGS.withListSpillThresholdBytes(64 << 10))
        .groupByKey(OUTPUT_PARTITIONS)
        .mapValues(SpillwayPairRDDTestBase::sorted));
    assertResultTasksSpilled();
    Map<String, List<Long>> spark = asMap(pairs.groupByKey(OUTPUT_PARTITIONS).mapValues(SpillwayPairRDDTestBase::sorted));
    assertTrue(spark.containsKey(null), "the data has null keys");
    assertEquals(spark, ours);
  }

  @Test
  void groupByKeyWithOneKeyLargerThanTaskMemory() throws Exception {
    // About 30 heap bytes per boxed long in a list: more than twice the executor's memory.
    long valuesOfBigKey = 50_000L * testMemoryMiB();
    JavaPairRDD<Integer, Long> pairs = sc.parallelize(List.of(0, 1), 2)
        .flatMapToPair(partition -> bigKeyRecords(partition, valuesOfBigKey / 2));
    Map<Integer, Tuple2<Long, Long>> countAndSum = asMap(spillway(pairs)
        .withSettings(TEST_SETTINGS.withListSpillThresholdBytes(256 << 10))
        .groupByKey(2)
        .mapValues(values -> {
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
            throw new IllegalStateException("second iteration saw " + again + " of " + count + " values");
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
      List<Tuple2<String, Long>> ours = spillway(pairs).sortByKey(ascending, OUTPUT_PARTITIONS).collect();
      assertResultTasksSpilled();
      List<Tuple2<String, Long>> spark = pairs.sortByKey(ascending, OUTPUT_PARTITIONS).collect();
      assertEquals(keys(spark), keys(ours), "key order, ascending=" + ascending);
      assertEquals(sortedRecords(spark), sortedRecords(ours), "same records, ascending=" + ascending);
    }
  }

  @Test
  void sortByKeyWithACustomComparator() throws Exception {
    JavaPairRDD<Integer, Long> pairs = randomIntPairs(7);
    Comparator<Integer> byLastDigitThenValue = new LastDigitFirst();
    List<Integer> ours = spillway(pairs).sortByKey(byLastDigitThenValue, true, OUTPUT_PARTITIONS).keys().collect();
    List<Integer> spark = pairs.sortByKey(byLastDigitThenValue, true, OUTPUT_PARTITIONS).keys().collect();
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
    assertTrue(sums.rdd().dependencies().head() instanceof NarrowDependency, "no shuffle after partitionBy");
    assertEquals(asMap(partitioned.reduceByKey(partitioner, Long::sum)), asMap(sums));
  }

  @Test
  void emptyRddGivesEmptyResults() throws Exception {
    JavaPairRDD<String, Long> empty = JavaPairRDD.fromJavaRDD(sc.<Tuple2<String, Long>>emptyRDD());
    SpillwayPairRDD<String, Long> wrapped = spillway(empty);
    assertTrue(wrapped.reduceByKey(Long::sum, 2).collect().isEmpty());
    assertTrue(wrapped.combineByKey(v -> v, Long::sum, Long::sum, new HashPartitioner(2), false).collect().isEmpty());
    assertTrue(wrapped.aggregateByKey(0L, 2, Long::sum, Long::sum).collect().isEmpty());
    assertTrue(wrapped.foldByKey(0L, 2, Long::sum).collect().isEmpty());
    assertTrue(wrapped.groupByKey(2).collect().isEmpty());
    assertTrue(wrapped.sortByKey(true, 2).collect().isEmpty());
  }

  @Test
  void smallGroupsCanBeCollected() throws Exception {
    JavaPairRDD<String, Long> pairs = sc.parallelizePairs(
        List.of(new Tuple2<>("a", 1L), new Tuple2<>(null, 2L), new Tuple2<>("a", 3L)), 2);
    Map<String, List<Long>> groups = asMap(SpillwayPairRDD.of(pairs).groupByKey(2)).entrySet().stream()
        .collect(HashMap::new, (map, e) -> map.put(e.getKey(), sorted(e.getValue())), HashMap::putAll);
    Map<String, List<Long>> expected = new HashMap<>();
    expected.put("a", List.of(1L, 3L));
    expected.put(null, List.of(2L));
    assertEquals(expected, groups);
  }

  @Test
  void invalidArgumentsAreRejectedWithTheValue() throws Exception {
    SpillwayPairRDD<String, Long> wrapped = spillway(randomPairs(9));
    IllegalArgumentException partitions =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> wrapped.reduceByKey(Long::sum, 0));
    assertTrue(partitions.getMessage().contains("got 0"), partitions.getMessage());
    Comparator<String> notSerializable = (a, b) -> a.compareTo(b);
    IllegalArgumentException comparator = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> wrapped.sortByKey(notSerializable, true, 2));
    assertTrue(comparator.getMessage().contains("Serializable"), comparator.getMessage());
    assertFalse(sc.sc().isStopped());
  }

  private static <K> List<K> keys(List<Tuple2<K, Long>> records) {
    List<K> keys = new ArrayList<>(records.size());
    records.forEach(record -> keys.add(record._1()));
    return keys;
  }

  private static <K extends Comparable<K>> List<Tuple2<K, Long>> sortedRecords(List<Tuple2<K, Long>> records) {
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
