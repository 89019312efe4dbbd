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
package io.spillway.it.faults;

import io.spillway.it.Data;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The job the local-cluster fault tests run and its oracle: the sum of the values of each key
 * over seeded random pairs ({@value #MAP_PARTITIONS} map tasks of {@value #RECORDS_PER_MAP}
 * records, keys in [0, {@value #KEYS})), by {@code reduceByKey} into {@value #REDUCE_PARTITIONS}
 * partitions. With 5000-record forced spills, map tasks and reduce tasks both spill.
 */
final class SumsByKey {
  static final int MAP_PARTITIONS = 4;
  static final int RECORDS_PER_MAP = 50_000;
  static final int KEYS = 20_000;
  static final int REDUCE_PARTITIONS = 6;

  private SumsByKey() {}

  /** The job's RDD. */
  static JavaPairRDD<Integer, Long> rdd(JavaSparkContext jsc, long seed) {
    return rdd(jsc, seed, null, 0);
  }

  /**
   * The job's RDD; with {@code mapGate}, map task 0's first attempt signals "map-0" and waits
   * after {@code gateAfterRecords} of its records.
   */
  static JavaPairRDD<Integer, Long> rdd(
      JavaSparkContext jsc, long seed, TaskSignals mapGate, int gateAfterRecords) {
    List<Integer> indexes = IntStream.range(0, MAP_PARTITIONS).boxed().collect(Collectors.toList());
    return jsc.parallelize(indexes, MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              Iterator<Tuple2<Integer, Integer>> records =
                  Data.partition(seed, p, RECORDS_PER_MAP, KEYS).iterator();
              return mapGate != null && p == 0
                  ? mapGate.blockAfter(records, gateAfterRecords, "map-0")
                  : records;
            })
        .mapValues(v -> (long) v)
        .reduceByKey(Long::sum, REDUCE_PARTITIONS);
  }

  /** The sums, computed on the driver. */
  static TreeMap<Integer, Long> oracle(long seed) {
    TreeMap<Integer, Long> sums = new TreeMap<>();
    Iterator<Tuple2<Integer, Integer>> records =
        Data.local(seed, MAP_PARTITIONS, RECORDS_PER_MAP, KEYS);
    while (records.hasNext()) {
      Tuple2<Integer, Integer> r = records.next();
      sums.merge(r._1(), (long) r._2(), Long::sum);
    }
    return sums;
  }

  /** The job's result as a sorted map (every key at most once). */
  static TreeMap<Integer, Long> asMap(List<Tuple2<Integer, Long>> pairs) {
    TreeMap<Integer, Long> map = new TreeMap<>();
    for (Tuple2<Integer, Long> pair : pairs) {
      if (map.put(pair._1(), pair._2()) != null) {
        throw new AssertionError("key " + pair._1() + " returned twice");
      }
    }
    return map;
  }

  /** The id of the shuffle that {@code shuffled} reads. */
  static int shuffleIdOf(JavaPairRDD<?, ?> shuffled) {
    return ((ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head()).shuffleId();
  }

  static Map<Integer, Long> collect(JavaPairRDD<Integer, Long> sums) {
    return asMap(sums.collect());
  }
}
