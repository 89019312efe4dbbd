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

import static io.spillway.it.ParityHarness.assertParity;
import static io.spillway.it.ParityHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * RDD shuffles on the manager under test give exactly the results of Spark's sort shuffle, on
 * seeded random data, with memory so small that they spill, for the Java and the Kryo serializer.
 * Each test runs its job twice: on "sort", then on the manager under test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShuffleParityTest {

  private static final long SEED = 0x5EED_2025L;
  private static final int MAP_PARTITIONS = 4;
  private static final int REDUCE_PARTITIONS = 3;

  private static final Comparator<Tuple2<Integer, Integer>> BY_KEY_THEN_VALUE =
      Comparator.<Tuple2<Integer, Integer>, Integer>comparing(Tuple2::_1).thenComparing(Tuple2::_2);

  private static <T> void runBoth(
      String serializer, String name, Function<JavaSparkContext, T> job) {
    ParityHarness.Run<T> reference = ParityHarness.runRdd("sort", serializer, name + "-sort", job);
    ParityHarness.Run<T> underTest =
        ParityHarness.runRdd(ItConfig.managerUnderTest(), serializer, name + "-under-test", job);
    assertParity(reference, underTest);
  }

  private static List<Integer> sortedValues(Iterable<Integer> values) {
    List<Integer> list = new ArrayList<>();
    values.forEach(list::add);
    list.sort(null);
    return list;
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void reduceByKey(String serializer) {
    runBoth(
        serializer,
        "reduceByKey",
        jsc -> {
          List<Tuple2<Integer, Long>> sums =
              Data.pairs(jsc, SEED, MAP_PARTITIONS, 25_000, 5_000)
                  .mapValues(v -> (long) v)
                  .reduceByKey(Long::sum, REDUCE_PARTITIONS)
                  .collect();
          assertEquals(5_000, sums.size(), "every key appears once");
          return sorted(sums, Comparator.comparing(Tuple2::_1));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void groupByKey(String serializer) {
    runBoth(
        serializer,
        "groupByKey",
        jsc -> {
          List<Tuple2<Integer, List<Integer>>> groups =
              Data.pairs(jsc, SEED, MAP_PARTITIONS, 25_000, 2_000)
                  .groupByKey(REDUCE_PARTITIONS)
                  .mapValues(ShuffleParityTest::sortedValues)
                  .collect();
          assertEquals(100_000, groups.stream().mapToInt(g -> g._2().size()).sum(), "all values");
          return sorted(groups, Comparator.comparing(Tuple2::_1));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void sortByKey(String serializer) {
    runBoth(
        serializer,
        "sortByKey",
        jsc -> {
          // Keys repeat, and the order of values within one key is not specified by Spark, so
          // compare the key sequence exactly and the records as a multiset.
          List<Tuple2<Integer, Integer>> records =
              Data.pairs(jsc, SEED, MAP_PARTITIONS, 20_000, 50_000)
                  .sortByKey(true, REDUCE_PARTITIONS)
                  .collect();
          List<Integer> keys = new ArrayList<>(records.size());
          records.forEach(r -> keys.add(r._1()));
          for (int i = 1; i < keys.size(); i++) {
            int index = i;
            assertTrue(keys.get(i - 1) <= keys.get(i), () -> "keys out of order at " + index);
          }
          return List.of(keys, sorted(records, BY_KEY_THEN_VALUE));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void join(String serializer) {
    runBoth(
        serializer,
        "join",
        jsc -> {
          JavaPairRDD<Integer, Integer> left = Data.pairs(jsc, SEED, MAP_PARTITIONS, 10_000, 4_000);
          JavaPairRDD<Integer, Integer> right = Data.pairs(jsc, SEED + 1, 2, 5_000, 5_000);
          List<Tuple2<Integer, Tuple2<Integer, Integer>>> joined =
              left.join(right, REDUCE_PARTITIONS).collect();
          assertTrue(joined.size() > 10_000, "the join matches many records: " + joined.size());
          return sorted(
              joined,
              Comparator.<Tuple2<Integer, Tuple2<Integer, Integer>>, Integer>comparing(Tuple2::_1)
                  .thenComparing(t -> t._2()._1())
                  .thenComparing(t -> t._2()._2()));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void cogroup(String serializer) {
    runBoth(
        serializer,
        "cogroup",
        jsc -> {
          JavaPairRDD<Integer, Integer> left = Data.pairs(jsc, SEED, MAP_PARTITIONS, 10_000, 4_000);
          JavaPairRDD<Integer, Integer> right = Data.pairs(jsc, SEED + 1, 2, 5_000, 5_000);
          List<Tuple2<Integer, Tuple2<List<Integer>, List<Integer>>>> groups =
              left.cogroup(right, REDUCE_PARTITIONS)
                  .mapValues(t -> new Tuple2<>(sortedValues(t._1()), sortedValues(t._2())))
                  .collect();
          return sorted(groups, Comparator.comparing(Tuple2::_1));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void repartition(String serializer) {
    runBoth(
        serializer,
        "repartition",
        jsc -> {
          JavaRDD<Integer> repartitioned =
              Data.pairs(jsc, SEED, MAP_PARTITIONS, 25_000, 1_000_000).values().repartition(7);
          assertEquals(7, repartitioned.getNumPartitions());
          List<Integer> values = repartitioned.collect();
          assertEquals(100_000, values.size());
          return sorted(values, Comparator.naturalOrder()); // multiset equality
        });
  }
}
