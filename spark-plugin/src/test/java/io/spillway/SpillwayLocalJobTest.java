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

import io.spillway.testing.ResultTaskSpills;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * The plugin on a real local Spark, against a driver-side oracle, on both write paths (Java
 * serialization: object path; Kryo: serialized path), with spills forced.
 */
class SpillwayLocalJobTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org.apache.spark.serializer.JavaSerializer",
        "org.apache.spark.serializer.KryoSerializer"
      })
  void reduceGroupAndSortMatchTheOracleWithSpills(String serializer) throws Exception {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("spillway-local-job")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.serializer", serializer)
            .set("spark.shuffle.spill.numElementsForceSpillThreshold", "500")
            .set("spark.shuffle.sort.bypassMergeThreshold", "1")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    AtomicLong diskBytesSpilled = new AtomicLong();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.sc()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                  if (taskEnd.taskMetrics() != null) {
                    diskBytesSpilled.addAndGet(taskEnd.taskMetrics().diskBytesSpilled());
                  }
                }
              });
      assertEquals(SpillwayShuffleManager.class, SparkEnv.get().shuffleManager().getClass());
      int numRecords = 20_000;
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < numRecords; i++) {
        input.add(i);
      }
      JavaPairRDD<Integer, Long> pairs =
          sc.parallelize(input, 4).mapToPair(i -> new Tuple2<>(i % 997, (long) i));

      Map<Integer, Long> expectedSums = new TreeMap<>();
      Map<Integer, Long> expectedCounts = new TreeMap<>();
      for (int i = 0; i < numRecords; i++) {
        expectedSums.merge(i % 997, (long) i, Long::sum);
        expectedCounts.merge(i % 997, 1L, Long::sum);
      }

      Map<Integer, Long> sums = new TreeMap<>(pairs.reduceByKey(Long::sum, 7).collectAsMap());
      assertEquals(expectedSums, sums);

      Map<Integer, Long> counts = new TreeMap<>();
      for (Tuple2<Integer, Iterable<Long>> group : pairs.groupByKey(5).collect()) {
        long count = 0;
        for (Long ignored : group._2()) {
          count++;
        }
        counts.put(group._1(), count);
      }
      assertEquals(expectedCounts, counts);

      List<Integer> sortedKeys = pairs.sortByKey(true, 3).keys().collect();
      assertEquals(numRecords, sortedKeys.size());
      for (int i = 1; i < sortedKeys.size(); i++) {
        assertTrue(sortedKeys.get(i - 1) <= sortedKeys.get(i), "not sorted at " + i);
      }
      List<Integer> repartitioned = sc.parallelize(input, 3).repartition(11).collect();
      assertEquals(numRecords, repartitioned.size());
      assertEquals(input, repartitioned.stream().sorted().toList());
      sc.sc().listenerBus().waitUntilEmpty();
    }
    assertTrue(diskBytesSpilled.get() > 0, "expected spills");
  }

  @Test
  void corruptedDataFileIsDetectedAndRecomputed() throws Exception {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("spillway-corruption")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    AtomicLong fetchFailures = new AtomicLong();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.sc()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                  if (taskEnd.reason() instanceof org.apache.spark.FetchFailed) {
                    fetchFailures.incrementAndGet();
                  }
                }
              });
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < 50_000; i++) {
        input.add(i);
      }
      JavaPairRDD<Integer, Long> sums =
          sc.parallelize(input, 2)
              .mapToPair(i -> new Tuple2<>(i % 101, (long) i))
              .reduceByKey(Long::sum, 3);
      Map<Integer, Long> first = new TreeMap<>(sums.collectAsMap());

      List<java.io.File> dataFiles = new ArrayList<>();
      for (java.io.File file :
          scala.jdk.javaapi.CollectionConverters.asJava(
              SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
        if (file.getName().startsWith("shuffle_") && file.getName().endsWith(".data")) {
          dataFiles.add(file);
        }
      }
      assertEquals(2, dataFiles.size(), "one data file per map task: " + dataFiles);
      for (java.io.File file : dataFiles) {
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file, "rw")) {
          for (long position = 40; position < raf.length(); position += 97) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5A);
          }
        }
      }
      // The shuffle's map stage is reused, its output is corrupt: the read must fail the fetch,
      // the map stage must be recomputed, and the answer must not change.
      Map<Integer, Long> second = new TreeMap<>(sums.collectAsMap());
      assertEquals(first, second);
      sc.sc().listenerBus().waitUntilEmpty();
    }
    assertTrue(fetchFailures.get() > 0, "the corruption must surface as a fetch failure");
  }

  /**
   * Spark serializes a task's result after the task's completion listeners ran. A group whose
   * values spilled to disk and that is returned as it is ({@code collect()} of a groupByKey) must
   * still be readable then: Spark's own shuffle returns such groups without trouble.
   */
  @Test
  void collectingGroupsThatSpilledReturnsEveryValue() throws Exception {
    SparkConf conf =
        new SparkConf()
            // one task at a time: with 16 MiB shared by two tasks, a map task can find less than
            // one
            // 1 MiB page free depending on timing; the hot key still far exceeds the whole pool
            .setMaster("local[1]")
            .setAppName("spillway-collect-spilled-groups")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            // little execution memory: the hot key's partition cannot be grouped in memory, so it
            // is grouped by sort and the key's list spills (past 4 MiB)
            .set("spark.testing.memory", String.valueOf(16L << 20))
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      ResultTaskSpills resultTaskSpills = ResultTaskSpills.listenTo(sc);
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < HOT_KEY_VALUES + OTHER_VALUES; i++) {
        input.add(i);
      }
      JavaPairRDD<Integer, Long> pairs =
          sc.parallelize(input, 2)
              .mapToPair(i -> new Tuple2<>(i < HOT_KEY_VALUES ? 0 : 1 + i % 7, (long) i));
      checkGroups(pairs.groupByKey(3).collect());
      sc.sc().listenerBus().waitUntilEmpty();
      assertTrue(
          resultTaskSpills.diskBytesSpilled() > 0,
          "the groups must have spilled in the reduce task");
      resultTaskSpills.reset();
      checkGroups(io.spillway.rdd.SpillwayPairRDD.of(pairs).groupByKey(3).collect());
      sc.sc().listenerBus().waitUntilEmpty();
      assertTrue(
          resultTaskSpills.diskBytesSpilled() > 0,
          "the groups must have spilled in the reduce task");
    }
  }

  private static final int HOT_KEY_VALUES = 1_000_000;
  private static final int OTHER_VALUES = 100_000;

  private static void checkGroups(List<Tuple2<Integer, Iterable<Long>>> groups) {
    long count = 0;
    long sum = 0;
    long hotKeyCount = 0;
    for (Tuple2<Integer, Iterable<Long>> group : groups) {
      for (Long value : group._2()) {
        count++;
        sum += value;
        if (group._1() == 0) {
          hotKeyCount++;
        }
      }
    }
    long total = HOT_KEY_VALUES + OTHER_VALUES;
    assertEquals(total, count);
    assertEquals(HOT_KEY_VALUES, hotKeyCount);
    assertEquals(total * (total - 1) / 2, sum);
  }
}
