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
package io.spillway.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spillway.SpillwayShuffleManager;
import io.spillway.combine.ExternalList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * With both heuristics switched off ({@code spark.spillway.read.groupByKeyDetection=false},
 * {@code spark.spillway.sort.keyPrefixes=false}), {@code groupByKey} runs Spark's own functions
 * (its groups are Spark's buffers, not spillable lists) and {@code sortByKey} sorts with the
 * ordering; the results are the same.
 */
class HeuristicsSwitchedOffTest {

  @Test
  void groupByKeyAndSortByKeyRunWithoutTheHeuristics() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("heuristics-off")
            .set("spark.ui.enabled", "false")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.spillway.read.groupByKeyDetection", "false")
            .set("spark.spillway.sort.keyPrefixes", "false");
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      List<Tuple2<Integer, Integer>> input = new ArrayList<>();
      Map<Integer, Integer> expectedCounts = new TreeMap<>();
      for (int i = 0; i < 5_000; i++) {
        input.add(new Tuple2<>(i % 101, i));
        expectedCounts.merge(i % 101, 1, Integer::sum);
      }
      JavaPairRDD<Integer, Integer> pairs = jsc.parallelizePairs(input, 3);

      Map<Integer, Integer> counts = new TreeMap<>();
      for (Tuple2<Integer, Iterable<Integer>> group : pairs.groupByKey(4).collect()) {
        assertFalse(group._2() instanceof ExternalList, group._2().getClass().getName());
        int count = 0;
        for (Integer ignored : group._2()) {
          count++;
        }
        counts.put(group._1(), count);
      }
      assertEquals(expectedCounts, counts);

      List<Integer> sorted = pairs.sortByKey(false, 3).keys().collect();
      List<Integer> expected = new ArrayList<>(input.stream().map(Tuple2::_1).toList());
      expected.sort((a, b) -> Integer.compare(b, a));
      assertEquals(expected, sorted);
    }
  }
}
