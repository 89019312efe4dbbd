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
package io.spillway.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;

/**
 * DESIGN decision 1, proven both ways: Spark's own reader reads Spillway's map output, and
 * Spillway's reader reads output written by Spark's {@code UnsafeShuffleWriter} and {@code
 * SortShuffleWriter}. Each job is checked against an oracle computed in the driver.
 */
class FormatInteropTest {

  @ParameterizedTest(name = "{0} {1} encryption={2}")
  @CsvSource({
    "io.spillway.interop.SpillwayWritesSparkReadsManager, org.apache.spark.serializer.KryoSerializer, false",
    "io.spillway.interop.SpillwayWritesSparkReadsManager, org.apache.spark.serializer.JavaSerializer, false",
    "io.spillway.interop.SpillwayWritesSparkReadsManager, org.apache.spark.serializer.KryoSerializer, true",
    "io.spillway.interop.SparkWritesSpillwayReadsManager, org.apache.spark.serializer.KryoSerializer, false",
    "io.spillway.interop.SparkWritesSpillwayReadsManager, org.apache.spark.serializer.JavaSerializer, false",
    "io.spillway.interop.SparkWritesSpillwayReadsManager, org.apache.spark.serializer.KryoSerializer, true"
  })
  void jobsReadBackExactly(String manager, String serializer, boolean encryption) throws Exception {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("format-interop")
            .set("spark.shuffle.manager", manager)
            .set("spark.serializer", serializer)
            .set("spark.io.encryption.enabled", String.valueOf(encryption))
            .set("spark.shuffle.spill.numElementsForceSpillThreshold", "700")
            // Spark picks bypass up to this many partitions: a low threshold lets 20-partition
            // shuffles reach UnsafeShuffleWriter and SortShuffleWriter, and keeps the test quick
            .set("spark.shuffle.sort.bypassMergeThreshold", "10")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    Set<String> writers =
        manager.contains("SparkWrites")
            ? SparkWritesSpillwayReadsManager.WRITERS
            : SpillwayWritesSparkReadsManager.WRITERS;
    Set<String> readers =
        manager.contains("SparkWrites")
            ? SparkWritesSpillwayReadsManager.READERS
            : SpillwayWritesSparkReadsManager.READERS;
    writers.clear();
    readers.clear();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < 12_000; i++) {
        input.add(i);
      }
      JavaPairRDD<Integer, Long> pairs =
          sc.parallelize(input, 3).mapToPair(i -> new Tuple2<>((i * 7919) % 1201, (long) i));
      Map<Integer, Long> expectedSums = new TreeMap<>();
      Map<Integer, Integer> expectedCounts = new TreeMap<>();
      for (int i : input) {
        expectedSums.merge((i * 7919) % 1201, (long) i, Long::sum);
        expectedCounts.merge((i * 7919) % 1201, 1, Integer::sum);
      }
      // map-side combine, 20 partitions: Spark would use SortShuffleWriter
      assertEquals(expectedSums, new TreeMap<>(pairs.reduceByKey(Long::sum, 20).collectAsMap()));
      // no combine, 16 partitions: UnsafeShuffleWriter under Kryo, SortShuffleWriter under Java
      Map<Integer, Integer> counts = new TreeMap<>();
      for (Tuple2<Integer, Iterable<Long>> group : pairs.groupByKey(16).collect()) {
        int count = 0;
        for (Long ignored : group._2()) {
          count++;
        }
        counts.put(group._1(), count);
      }
      assertEquals(expectedCounts, counts);
      // 4 partitions: Spark's bypass writer
      List<Integer> sorted = pairs.sortByKey(true, 4).keys().collect();
      List<Integer> expectedKeys = input.stream().map(i -> (i * 7919) % 1201).sorted().toList();
      assertEquals(expectedKeys, sorted);
    }
    assertTrue(readers.size() == 1, "readers " + readers);
    if (manager.contains("SparkWrites")) {
      assertEquals(Set.of("SpillwayShuffleReader"), readers);
      assertTrue(writers.contains("SortShuffleWriter"), "writers " + writers);
      if (serializer.contains("Kryo")) {
        assertTrue(writers.contains("UnsafeShuffleWriter"), "writers " + writers);
      }
    } else {
      assertEquals(Set.of("BlockStoreShuffleReader"), readers);
      assertTrue(writers.contains("SpillwayShuffleWriter"), "writers " + writers);
    }
  }
}
