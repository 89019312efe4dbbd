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
package io.spillway.it;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Seeded random key-value data, generated inside the job (each map partition draws its own
 * records from {@code seed} and its index), and the same records on the driver for oracles.
 */
public final class Data {
  private Data() {}

  /** The records of one partition: {@code count} pairs, keys in [0, keys), values in [0, 1e6). */
  public static List<Tuple2<Integer, Integer>> partition(
      long seed, int partition, int count, int keys) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + partition);
    List<Tuple2<Integer, Integer>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(new Tuple2<>(random.nextInt(keys), random.nextInt(1_000_000)));
    }
    return records;
  }

  /** {@code partitions} × {@code perPartition} pairs, generated on the executors. */
  public static JavaPairRDD<Integer, Integer> pairs(
      JavaSparkContext jsc, long seed, int partitions, int perPartition, int keys) {
    List<Integer> indexes = IntStream.range(0, partitions).boxed().collect(Collectors.toList());
    return jsc.parallelize(indexes, partitions)
        .flatMapToPair(p -> partition(seed, p, perPartition, keys).iterator());
  }

  /** The same records as {@link #pairs}, on the driver. */
  public static Iterator<Tuple2<Integer, Integer>> local(
      long seed, int partitions, int perPartition, int keys) {
    List<Tuple2<Integer, Integer>> all = new ArrayList<>(partitions * perPartition);
    for (int p = 0; p < partitions; p++) {
      all.addAll(partition(seed, p, perPartition, keys));
    }
    return all.iterator();
  }
}
