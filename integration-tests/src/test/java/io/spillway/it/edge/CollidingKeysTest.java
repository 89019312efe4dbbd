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
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * Keys whose hash codes all collide (and a null key, which hashes like 0 too) through {@code
 * reduceByKey} and {@code groupByKey}, with too little memory for the reduce side to hold them:
 * the combiner spills by hash partition, re-partitioning cannot split keys with one hash code,
 * the recursion reaches its cap and the partition is merged by sort, where only {@code equals}
 * tells keys apart (as in Spark's ExternalAppendOnlyMap). Results against a driver-side oracle.
 *
 * <p>Settings that make this happen with little data: 16 MiB for Spark's memory, 4 spill
 * partitions per level and at most 16 in all (two levels, then the sort).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CollidingKeysTest {

  private static final int MAP_PARTITIONS = 3;
  private static final int KEYS = 2_000;

  /** reduceByKey: 2,001 combiners of 6,000 characters do not fit the reduce task's memory. */
  private static final int REDUCE_RECORDS = 4_000;

  private static final int REDUCE_VALUE_CHARS = 6_000;

  /** groupByKey: 30,000 values of 1,000 characters do not either. */
  private static final int GROUP_RECORDS = 10_000;

  private static final int GROUP_VALUE_CHARS = 1_000;

  @ParameterizedTest
  @ValueSource(strings = {EdgeSupport.KRYO_SERIALIZER, EdgeSupport.JAVA_SERIALIZER})
  void keysWhoseHashCodesAllCollide(String serializer) {
    Path localDir = EdgeSupport.freshDirectory("colliding-keys").resolve("local");
    SparkConf conf =
        EdgeSupport.conf("local[2]", "edge-colliding-keys", localDir, serializer)
            .set("spark.testing.memory", Long.toString(16L << 20))
            .set("spark.spillway.merger.partitions", "4")
            .set("spark.spillway.merger.maxTotalPartitions", "16");
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      TaskMetricsListener metrics = TaskMetricsListener.register(jsc.sc());
      jsc.sc()
          .addSparkListener(
              new org.apache.spark.scheduler.SparkListener() { // DEBUG
                @Override
                public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
                  System.out.println(
                      "DEBUG "
                          + e.stageId()
                          + " "
                          + e.taskType()
                          + " "
                          + e.taskInfo().index()
                          + " spilled "
                          + e.taskMetrics().diskBytesSpilled()
                          + " mem "
                          + e.taskMetrics().memoryBytesSpilled()
                          + " peak "
                          + e.taskMetrics().peakExecutionMemory()
                          + " read "
                          + e.taskMetrics().shuffleReadMetrics().recordsRead());
                }
              });
      Map<String, String> expectedSmallest = new TreeMap<>();
      Map<String, List<String>> expectedGroups = new TreeMap<>();
      for (int p = 0; p < MAP_PARTITIONS; p++) {
        for (Tuple2<CollidingKey, String> r : records(p, REDUCE_RECORDS, REDUCE_VALUE_CHARS)) {
          expectedSmallest.merge(String.valueOf(r._1()), r._2(), CollidingKeysTest::smaller);
        }
        for (Tuple2<CollidingKey, String> r : records(p, GROUP_RECORDS, GROUP_VALUE_CHARS)) {
          expectedGroups
              .computeIfAbsent(String.valueOf(r._1()), k -> new ArrayList<>())
              .add(r._2().substring(0, 12));
        }
      }
      expectedGroups.values().forEach(Collections::sort);

      List<Tuple2<CollidingKey, String>> smallest =
          records(jsc, REDUCE_RECORDS, REDUCE_VALUE_CHARS)
              .reduceByKey(CollidingKeysTest::smaller, 3)
              .mapValues(v -> v.substring(0, 12))
              .collect();
      assertEquals(KEYS + 1, smallest.size(), "reduceByKey: every key once (null included)");
      Map<String, String> actualSmallest = new TreeMap<>();
      smallest.forEach(s -> actualSmallest.put(String.valueOf(s._1()), s._2()));
      expectedSmallest.replaceAll((k, v) -> v.substring(0, 12));
      assertEquals(expectedSmallest, actualSmallest, "reduceByKey of colliding keys");

      List<Tuple2<CollidingKey, List<String>>> groups =
          records(jsc, GROUP_RECORDS, GROUP_VALUE_CHARS)
              .groupByKey(3)
              .mapValues(
                  values -> {
                    List<String> prefixes = new ArrayList<>();
                    values.forEach(v -> prefixes.add(v.substring(0, 12)));
                    Collections.sort(prefixes);
                    return prefixes;
                  })
              .collect();
      assertEquals(KEYS + 1, groups.size(), "groupByKey: every key once (null included)");
      Map<String, List<String>> actualGroups = new TreeMap<>();
      groups.forEach(g -> actualGroups.put(String.valueOf(g._1()), g._2()));
      assertEquals(expectedGroups, actualGroups, "groupByKey of colliding keys");

      TaskMetricsListener.Totals totals = metrics.snapshot(jsc.sc());
      assertTrue(totals.spilled(), "the reduce side must spill: " + totals);
      assertEquals(0, EdgeSupport.executionMemoryUsed(), "execution memory after the jobs");
      assertEquals(
          List.of(),
          FileCensus.names(FileCensus.of(localDir).leftovers()),
          "spill or temp files left");
    }
  }

  private static JavaPairRDD<CollidingKey, String> records(
      JavaSparkContext jsc, int perPartition, int valueChars) {
    return jsc.parallelize(range(MAP_PARTITIONS), MAP_PARTITIONS)
        .flatMapToPair(p -> records(p, perPartition, valueChars).iterator());
  }

  /** Keys over [0, KEYS) plus null; values "v<11 digits>" padded to {@code valueChars}. */
  static List<Tuple2<CollidingKey, String>> records(
      int partition, int perPartition, int valueChars) {
    List<Tuple2<CollidingKey, String>> records = new ArrayList<>(perPartition);
    StringBuilder padding = new StringBuilder();
    while (padding.length() < valueChars) {
      padding.append("-padding");
    }
    for (int i = 0; i < perPartition; i++) {
      int n = partition * perPartition + i;
      CollidingKey key = n % 97 == 0 ? null : new CollidingKey((n * 7) % KEYS);
      String value = String.format("v%011d", n) + padding;
      records.add(new Tuple2<>(key, value.substring(0, valueChars)));
    }
    return records;
  }

  static String smaller(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Every instance has hash code 0, like a null key; equal when the ids are. */
  static final class CollidingKey implements Serializable {
    private static final long serialVersionUID = 1L;
    final int id;

    CollidingKey(int id) {
      this.id = id;
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof CollidingKey k && k.id == id;
    }

    @Override
    public String toString() {
      return "CollidingKey(" + id + ")";
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }
}
