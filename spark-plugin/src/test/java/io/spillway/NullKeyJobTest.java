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
package io.spillway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.Tuple2;

/**
 * Spark's own keyed operations with one null key among String keys, through Spillway's shuffle
 * manager, with a reduce-side spill forced every 1000 records
 * ({@code spark.shuffle.spill.numElementsForceSpillThreshold}). The oracle is a {@code HashMap}
 * over the input on the driver, not Spark's sort shuffle: on this job Spark 4.1.3's sort shuffle
 * returns keys twice ({@code ExternalAppendOnlyMap} hands the null key out first while its spill
 * merge expects each stream in hash order, null as 0, so keys with negative hash codes that
 * follow the null key are emitted once more). Spillway's reduce side merges spilled partitions
 * in hash maps and never depends on that order.
 *
 * <p>{@code -Dnullkey.manager=sort} runs the same tests on Spark's sort shuffle, where all three
 * fail (on Spark 4.1.3: 5,005 keys from {@code reduceByKey} and {@code distinct}, 5,490 groups
 * from {@code groupByKey}, for 5,001 keys).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NullKeyJobTest {

  private static final long SEED = 0x4E55_11L;
  private static final int MAP_PARTITIONS = 2;
  private static final int KEYS = 5_000;

  /** One reducer gets every key's values: where Spark's sort shuffle mismatches most often. */
  private static final int REDUCE_PARTITIONS = 1;

  private JavaSparkContext sc;
  private final AtomicLong reduceSideDiskSpills = new AtomicLong();
  private JavaPairRDD<String, Long> pairs;
  private List<Tuple2<String, Long>> input;

  @BeforeAll
  void startSpark() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("null-key-job")
            .set(
                "spark.shuffle.manager",
                System.getProperty("nullkey.manager", SpillwayShuffleManager.class.getName()))
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.shuffle.spill.numElementsForceSpillThreshold", "1000")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    sc = new JavaSparkContext(conf);
    sc.sc()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                if ("ResultTask".equals(taskEnd.taskType()) && taskEnd.taskMetrics() != null) {
                  reduceSideDiskSpills.addAndGet(taskEnd.taskMetrics().diskBytesSpilled());
                }
              }
            });
    System.out.println("NullKeyJobTest: seed " + SEED);
    List<Integer> partitions = List.of(0, 1);
    pairs =
        sc.parallelize(partitions, MAP_PARTITIONS).flatMapToPair(p -> records(SEED, p).iterator());
    input = new ArrayList<>();
    for (int p : partitions) {
      input.addAll(records(SEED, p));
    }
  }

  @AfterAll
  void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** Every key "key-" + i (hash codes of both signs) in each partition once, the null key three times, seeded random order. */
  private static List<Tuple2<String, Long>> records(long seed, int partition) {
    Random random = new Random(seed * 31 + partition);
    List<Tuple2<String, Long>> records = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      records.add(new Tuple2<>("key-" + i, (long) random.nextInt(1_000_000)));
    }
    for (int i = 0; i < 3; i++) {
      records.add(new Tuple2<>(null, (long) random.nextInt(1_000_000)));
    }
    Collections.shuffle(records, random);
    return records;
  }

  private Map<String, Long> sumsOracle() {
    Map<String, Long> sums = new HashMap<>();
    input.forEach(r -> sums.merge(r._1(), r._2(), Long::sum));
    return sums;
  }

  private Map<String, Long> countsOracle() {
    Map<String, Long> counts = new HashMap<>();
    input.forEach(r -> counts.merge(r._1(), 1L, Long::sum));
    return counts;
  }

  /** collect(), not collectAsMap(): a key returned twice must show. */
  private static <K, V> Map<K, V> asMap(JavaPairRDD<K, V> rdd) {
    List<Tuple2<K, V>> records = rdd.collect();
    Map<K, V> map = new HashMap<>();
    records.forEach(r -> map.put(r._1(), r._2()));
    assertEquals(map.size(), records.size(), "each key once");
    return map;
  }

  private void assertReduceSideSpilled() throws Exception {
    sc.sc().listenerBus().waitUntilEmpty();
    assertTrue(reduceSideDiskSpills.getAndSet(0) > 0, "the reduce side must spill");
  }

  @Test
  void reduceFoldCombineAndAggregateByKey() throws Exception {
    Map<String, Long> sums = sumsOracle();
    assertTrue(sums.containsKey(null));
    assertEquals(sums, asMap(pairs.reduceByKey(Long::sum, REDUCE_PARTITIONS)), "reduceByKey");
    assertReduceSideSpilled();
    assertEquals(sums, asMap(pairs.foldByKey(0L, REDUCE_PARTITIONS, Long::sum)), "foldByKey");
    assertEquals(
        sums,
        asMap(pairs.combineByKey(v -> v, Long::sum, Long::sum, REDUCE_PARTITIONS)),
        "combineByKey");
    assertEquals(
        sums,
        asMap(
            pairs.combineByKey(
                v -> v,
                Long::sum,
                Long::sum,
                new org.apache.spark.HashPartitioner(REDUCE_PARTITIONS),
                false,
                null)),
        "combineByKey without map-side combine");
    assertEquals(
        countsOracle(),
        asMap(pairs.aggregateByKey(0L, REDUCE_PARTITIONS, (c, v) -> c + 1, Long::sum)),
        "aggregateByKey");
  }

  @Test
  void distinctAndCountByKey() throws Exception {
    List<String> distinct = pairs.keys().distinct(REDUCE_PARTITIONS).collect();
    assertReduceSideSpilled();
    assertEquals(KEYS + 1, distinct.size(), "distinct keys, null included");
    assertEquals(countsOracle(), new HashMap<>(pairs.countByKey()), "countByKey");
  }

  @Test
  void groupByKey() throws Exception {
    Map<String, List<Long>> expected = new HashMap<>();
    input.forEach(r -> expected.computeIfAbsent(r._1(), k -> new ArrayList<>()).add(r._2()));
    expected.values().forEach(Collections::sort);
    Map<String, List<Long>> groups =
        asMap(
            pairs
                .groupByKey(REDUCE_PARTITIONS)
                .mapValues(
                    values -> {
                      List<Long> list = new ArrayList<>();
                      values.forEach(list::add);
                      Collections.sort(list);
                      return list;
                    }));
    assertReduceSideSpilled();
    assertEquals(expected, groups);
  }
}
