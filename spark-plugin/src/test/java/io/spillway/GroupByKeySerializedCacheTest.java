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
import io.spillway.testing.TestSeed;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;

/**
 * Groups whose values spilled to their {@code ExternalList}'s file, cached with a serialized
 * storage level: the cache serializes each group inside the task (and serializing a group must
 * not take its file from it), the job counts the cached groups twice and reads them twice more,
 * and every figure matches a {@code HashMap} oracle on seeded data. Afterwards no spill file is
 * left and no memory leaked ({@code spark.unsafe.exceptionOnMemoryLeak} fails a task that
 * leaks).
 */
class GroupByKeySerializedCacheTest {
  private static final int VALUES_PER_MAP_TASK = 330_000;
  private static final int MAP_TASKS = 2;
  private static final int OTHER_KEYS = 50;

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({
    "MEMORY_ONLY_SER, org.apache.spark.serializer.KryoSerializer",
    "MEMORY_AND_DISK_SER, org.apache.spark.serializer.JavaSerializer"
  })
  void spilledGroupsCachedSerializedAreCountedAndReadAgain(String levelName, String serializer)
      throws Exception {
    long seed = TestSeed.next();
    StorageLevel level = StorageLevel.fromString(levelName);
    SparkConf conf =
        new SparkConf()
            // one task at a time and a small pool, as in SpillwayLocalJobTest: the hot key's
            // partition is grouped by sort and its list spills
            .setMaster("local[1]")
            .setAppName("spillway-serialized-cache")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.testing.memory", String.valueOf(16L << 20))
            .set("spark.serializer", serializer)
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    Map<Integer, Tuple2<Long, Long>> oracle = oracle(seed);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      ResultTaskSpills resultTaskSpills = ResultTaskSpills.listenTo(sc);
      List<Integer> tasks = new ArrayList<>();
      for (int task = 0; task < MAP_TASKS; task++) {
        tasks.add(task);
      }
      JavaPairRDD<Integer, Iterable<Long>> groups =
          sc.parallelize(tasks, MAP_TASKS)
              .flatMapToPair(task -> records(seed, task).iterator())
              .groupByKey(3)
              .persist(level);

      assertEquals(oracle.size(), groups.count(), "groups, seed " + seed);
      sc.sc().listenerBus().waitUntilEmpty();
      assertTrue(
          resultTaskSpills.diskBytesSpilled() > 0,
          "the groups must have spilled in the reduce task");
      assertEquals(oracle.size(), groups.count(), "groups counted again, seed " + seed);
      assertEquals(oracle, countsAndSums(groups), "read from the cache, seed " + seed);
      assertEquals(oracle, countsAndSums(groups), "read from the cache again, seed " + seed);

      groups.unpersist(true);
      sc.sc().listenerBus().waitUntilEmpty();
      assertNoSpillFilesLeft();
    }
  }

  private static Map<Integer, Tuple2<Long, Long>> countsAndSums(
      JavaPairRDD<Integer, Iterable<Long>> groups) {
    return new HashMap<>(
        groups
            .mapValues(
                values -> {
                  long count = 0;
                  long sum = 0;
                  for (long value : values) {
                    count++;
                    sum += value;
                  }
                  return new Tuple2<>(count, sum);
                })
            .collectAsMap());
  }

  /** One map task's records: nine in ten go to the hot key 0, the others to 50 small keys. */
  private static List<Tuple2<Integer, Long>> records(long seed, int task) {
    Random random = new Random(seed + task);
    List<Tuple2<Integer, Long>> records = new ArrayList<>(VALUES_PER_MAP_TASK);
    for (int i = 0; i < VALUES_PER_MAP_TASK; i++) {
      int key = random.nextInt(10) < 9 ? 0 : 1 + random.nextInt(OTHER_KEYS);
      records.add(new Tuple2<>(key, (long) random.nextInt(1_000_000)));
    }
    return records;
  }

  private static Map<Integer, Tuple2<Long, Long>> oracle(long seed) {
    Map<Integer, long[]> countAndSum = new HashMap<>();
    for (int task = 0; task < MAP_TASKS; task++) {
      for (Tuple2<Integer, Long> record : records(seed, task)) {
        long[] figures = countAndSum.computeIfAbsent(record._1(), key -> new long[2]);
        figures[0]++;
        figures[1] += record._2();
      }
    }
    Map<Integer, Tuple2<Long, Long>> oracle = new HashMap<>();
    countAndSum.forEach((key, figures) -> oracle.put(key, new Tuple2<>(figures[0], figures[1])));
    return oracle;
  }

  /**
   * No reduce-side spill file in Spark's local directories. A group that outlived its task would
   * keep its file until it is garbage, so the check collects garbage before it gives up.
   */
  private static void assertNoSpillFilesLeft() throws InterruptedException {
    List<String> left = spillFiles();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(100);
      left = spillFiles();
    }
    assertEquals(List.of(), left, "spill files left behind");
  }

  private static List<String> spillFiles() {
    List<String> names = new ArrayList<>();
    for (File file :
        scala.jdk.javaapi.CollectionConverters.asJava(
            SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
      if (file.getName().startsWith("temp_local_") && file.exists()) {
        names.add(file.getName());
      }
    }
    return names;
  }
}
