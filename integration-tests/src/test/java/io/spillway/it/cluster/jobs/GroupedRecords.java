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
package io.spillway.it.cluster.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The shuffle both fault jobs run, and its oracle: {@value #MAP_PARTITIONS} map tasks each draw
 * {@value #RECORDS_PER_MAP} seeded records (key in [0, {@value #KEYS}), value 1..100), a
 * {@code groupByKey} into {@value #REDUCE_PARTITIONS} partitions, and per key the count and sum of
 * its values. {@code groupByKey} has no map-side combine, so every record crosses the shuffle.
 *
 * <p>Every map and reduce task also records "executor id=shuffle manager class" of the JVM it ran
 * in, in accumulators: the in-band proof of which shuffle manager wrote and read the data.
 */
public final class GroupedRecords {
  static final long SEED = 20_260_521L;
  static final int MAP_PARTITIONS = 4;
  static final int RECORDS_PER_MAP = 50_000;
  static final int KEYS = 5_000;
  static final int REDUCE_PARTITIONS = 4;

  /** Count and sum of one key's values. */
  public record Stats(long count, long sum) {}

  private final JavaPairRDD<Integer, Iterable<Long>> grouped;
  private final ShuffleDependency<?, ?, ?> dependency;
  private final CollectionAccumulator<String> mapSideManagers;
  private final CollectionAccumulator<String> reduceSideManagers;

  public GroupedRecords(JavaSparkContext jsc) {
    this.mapSideManagers = jsc.sc().collectionAccumulator("map-side shuffle managers");
    this.reduceSideManagers = jsc.sc().collectionAccumulator("reduce-side shuffle managers");
    CollectionAccumulator<String> mapProbe = mapSideManagers;
    List<Integer> indexes = IntStream.range(0, MAP_PARTITIONS).boxed().collect(Collectors.toList());
    this.grouped =
        jsc.parallelize(indexes, MAP_PARTITIONS)
            .flatMapToPair(
                index -> {
                  mapProbe.add(whereAmI());
                  return records(index);
                })
            .groupByKey(REDUCE_PARTITIONS);
    this.dependency = shuffleDependencyOf(grouped.rdd());
  }

  /** The shuffle, for running its map stage alone ({@code SparkContext.submitMapStage}). */
  public ShuffleDependency<?, ?, ?> dependency() {
    return dependency;
  }

  /** Runs the reduce side (the map stage too, unless its output is registered) and collects. */
  public Map<Integer, Stats> collectStats() {
    CollectionAccumulator<String> reduceProbe = reduceSideManagers;
    // long[] {count, sum} rather than Stats: Kryo 4 (Spark's) cannot serialize records
    List<Tuple2<Integer, long[]>> rows =
        grouped
            .mapPartitionsToPair(
                groups -> {
                  reduceProbe.add(whereAmI());
                  List<Tuple2<Integer, long[]>> out = new ArrayList<>();
                  while (groups.hasNext()) {
                    Tuple2<Integer, Iterable<Long>> group = groups.next();
                    long count = 0;
                    long sum = 0;
                    for (long value : group._2()) {
                      count++;
                      sum += value;
                    }
                    out.add(new Tuple2<>(group._1(), new long[] {count, sum}));
                  }
                  return out.iterator();
                })
            .collect();
    Map<Integer, Stats> stats = new HashMap<>();
    for (Tuple2<Integer, long[]> row : rows) {
      if (stats.put(row._1(), new Stats(row._2()[0], row._2()[1])) != null) {
        throw new IllegalStateException("key " + row._1() + " came out of the shuffle twice");
      }
    }
    return stats;
  }

  /** The same statistics computed on the driver from the same seeded records. */
  public static Map<Integer, Stats> oracle() {
    Map<Integer, long[]> sums = new HashMap<>();
    for (int index = 0; index < MAP_PARTITIONS; index++) {
      for (Iterator<Tuple2<Integer, Long>> it = records(index); it.hasNext(); ) {
        Tuple2<Integer, Long> r = it.next();
        long[] acc = sums.computeIfAbsent(r._1(), k -> new long[2]);
        acc[0]++;
        acc[1] += r._2();
      }
    }
    Map<Integer, Stats> stats = new HashMap<>();
    sums.forEach((key, acc) -> stats.put(key, new Stats(acc[0], acc[1])));
    return stats;
  }

  /** Distinct "executorId=managerClass" the map tasks reported. */
  public List<String> mapSideManagers() {
    return distinct(mapSideManagers);
  }

  /** Distinct "executorId=managerClass" the reduce tasks reported. */
  public List<String> reduceSideManagers() {
    return distinct(reduceSideManagers);
  }

  /** A one-line comparison with the oracle: "equal (N keys)" or what differs. */
  public static String compare(Map<Integer, Stats> actual, Map<Integer, Stats> expected) {
    if (actual.equals(expected)) {
      return "equal (" + expected.size() + " keys)";
    }
    long missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).count();
    long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    long wrong =
        expected.entrySet().stream()
            .filter(
                e ->
                    actual.containsKey(e.getKey())
                        && !Objects.equals(actual.get(e.getKey()), e.getValue()))
            .count();
    return "DIFFERENT: "
        + missing
        + " keys missing, "
        + extra
        + " extra, "
        + wrong
        + " with other values (of "
        + expected.size()
        + ")";
  }

  private static List<String> distinct(CollectionAccumulator<String> accumulator) {
    return accumulator.value().stream().distinct().sorted().collect(Collectors.toList());
  }

  private static String whereAmI() {
    SparkEnv env = SparkEnv.get();
    return env.executorId() + "=" + env.shuffleManager().getClass().getName();
  }

  private static Iterator<Tuple2<Integer, Long>> records(int index) {
    SplittableRandom random = new SplittableRandom(SEED * 1_000_003L + index);
    List<Tuple2<Integer, Long>> out = new ArrayList<>(RECORDS_PER_MAP);
    for (int i = 0; i < RECORDS_PER_MAP; i++) {
      out.add(new Tuple2<>(random.nextInt(KEYS), 1L + random.nextInt(100)));
    }
    return out.iterator();
  }

  /** The nearest shuffle dependency in an RDD's lineage (breadth first). */
  static ShuffleDependency<?, ?, ?> shuffleDependencyOf(RDD<?> rdd) {
    List<RDD<?>> level = List.of(rdd);
    while (!level.isEmpty()) {
      List<RDD<?>> next = new ArrayList<>();
      for (RDD<?> r : level) {
        for (org.apache.spark.Dependency<?> d : CollectionConverters.asJava(r.dependencies())) {
          if (d instanceof ShuffleDependency<?, ?, ?> shuffle) {
            return shuffle;
          }
          next.add(d.rdd());
        }
      }
      level = next;
    }
    throw new IllegalArgumentException("no shuffle in the lineage of " + rdd);
  }
}
