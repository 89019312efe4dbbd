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
package io.spillway.combine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.config.MapSideCombineOption;
import io.spillway.config.MapSideCombineSettings;
import io.spillway.memory.MemoryReservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.Product2;
import scala.Tuple2;

/**
 * The map-side combiner against a {@code HashMap} oracle: whatever it flushes, the reducer's
 * merge of its output equals the oracle; the probe switches combining off only when it does not
 * pay.
 */
class MapSideCombinerTest {
  private final TestMemoryManager memoryManager = new TestMemoryManager(new SparkConf(false));
  private final TaskMemoryManager taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
  private final CombineFunctions<Long, Long> sum =
      new CombineFunctions<>(value -> value, Long::sum, Long::sum);

  @AfterEach
  void noMemoryLeft() {
    assertEquals(0, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
  }

  private static List<Product2<Integer, Long>> records(int count, int distinctKeys, long seed) {
    Random random = new Random(seed);
    List<Product2<Integer, Long>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(new Tuple2<>(random.nextInt(distinctKeys), (long) random.nextInt(1000)));
    }
    return records;
  }

  private static Map<Integer, Long> oracle(List<Product2<Integer, Long>> records) {
    Map<Integer, Long> sums = new HashMap<>();
    for (Product2<Integer, Long> record : records) {
      sums.merge(record._1(), record._2(), Long::sum);
    }
    return sums;
  }

  /** Drains the combiner and merges its output as the reducer would. */
  private static Map<Integer, Long> reduce(
      Iterator<Tuple2<Integer, Long>> output, long[] outCount) {
    Map<Integer, Long> merged = new HashMap<>();
    while (output.hasNext()) {
      Tuple2<Integer, Long> record = output.next();
      merged.merge(record._1(), record._2(), Long::sum);
      outCount[0]++;
    }
    return merged;
  }

  private MapSideCombiner<Integer, Long, Long> combiner(
      MapSideCombineSettings settings, List<Product2<Integer, Long>> input) {
    return new MapSideCombiner<>(
        sum, settings, new MemoryReservation(taskMemoryManager, "test combiner"), input.iterator());
  }

  @Test
  void repeatedKeysAreCombinedInMemory() {
    List<Product2<Integer, Long>> input = records(50_000, 100, 1);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(MapSideCombineSettings.defaults(), input);
    long[] out = new long[1];
    assertEquals(oracle(input), reduce(combiner, out));
    assertEquals(100, out[0]);
    assertEquals(0, combiner.memoryFlushes());
    assertFalse(combiner.combiningStopped());
    assertTrue(combiner.peakMemoryBytes() > 0, "the map's size must be accounted");
  }

  @Test
  void memoryPressureFlushesPartialCombinersInsteadOfSpilling() {
    memoryManager.limit(64 * 1024);
    List<Product2<Integer, Long>> input = records(100_000, 20_000, 2);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.ALWAYS, 100_000, 0.8, Long.MAX_VALUE),
            input);
    long[] out = new long[1];
    assertEquals(oracle(input), reduce(combiner, out));
    assertTrue(combiner.memoryFlushes() > 0, "expected flushes under a 64 KiB limit");
    assertTrue(
        out[0] > 20_000 && out[0] < 100_000,
        "partial combiners: more records than keys, fewer than the input: " + out[0]);
    assertEquals(0, taskMemoryManager.getMemoryConsumptionForThisTask(), "all memory returned");
  }

  @Test
  void forceFlushThresholdBoundsTheMap() {
    List<Product2<Integer, Long>> input = records(10_000, 1_000, 3);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(new MapSideCombineSettings(MapSideCombineOption.AUTO, 100_000, 0.8, 100), input);
    long[] out = new long[1];
    assertEquals(oracle(input), reduce(combiner, out));
    assertTrue(combiner.memoryFlushes() >= 10, "flushes: " + combiner.memoryFlushes());
  }

  @Test
  void allDistinctKeysSwitchCombiningOffAfterTheProbe() {
    List<Product2<Integer, Long>> input = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      input.add(new Tuple2<>(i, (long) i));
    }
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.AUTO, 1_000, 0.8, Long.MAX_VALUE),
            input);
    long[] out = new long[1];
    assertEquals(oracle(input), reduce(combiner, out));
    assertTrue(combiner.combiningStopped());
    assertEquals(30_000, out[0]);
    assertTrue(
        combiner.peakMemoryBytes() < 1 << 20,
        "only the probe's keys were held: " + combiner.peakMemoryBytes());
  }

  @Test
  void aProbeOverManyKeysIsSizedOnceAndLosesNoKey() {
    // ~7,950 keys: the probing map is resized for the probe at 4,096 keys, mid-batch
    List<Product2<Integer, Long>> input = records(40_000, 8_000, 6);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.AUTO, 50_000, 0.8, Long.MAX_VALUE),
            input);
    long[] out = new long[1];
    Map<Integer, Long> expected = oracle(input);
    assertEquals(expected, reduce(combiner, out));
    assertFalse(combiner.combiningStopped());
    assertEquals(0, combiner.memoryFlushes());
    assertEquals(expected.size(), out[0], "each key once");
  }

  @Test
  void theProbingMapIsSizedForTheKeysTheProbeCanStillBring() {
    // all distinct so far: the whole probe
    assertEquals(100_000, MapSideCombiner.expectedProbeKeys(4_096, 4_096, 100_000));
    // one new key in three records: a third of the probe
    assertEquals(33_333, MapSideCombiner.expectedProbeKeys(4_096, 12_288, 100_000));
    // never past the probe or the forced flush, whatever the rate
    assertEquals(500, MapSideCombiner.expectedProbeKeys(4_096, 4_096, 500));
    assertEquals(0, MapSideCombiner.expectedProbeKeys(0, 0, 100_000));
  }

  @Test
  void fewKeysKeepCombiningAfterTheProbe() {
    List<Product2<Integer, Long>> input = records(30_000, 10, 4);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.AUTO, 1_000, 0.8, Long.MAX_VALUE),
            input);
    long[] out = new long[1];
    assertEquals(oracle(input), reduce(combiner, out));
    assertFalse(combiner.combiningStopped());
    assertEquals(10, out[0]);
  }

  @Test
  void alwaysAndNeverIgnoreTheProbe() {
    List<Product2<Integer, Long>> input = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      input.add(new Tuple2<>(i % 4_000, 1L));
    }
    MapSideCombiner<Integer, Long, Long> always =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.ALWAYS, 10, 0.1, Long.MAX_VALUE),
            input);
    long[] alwaysOut = new long[1];
    assertEquals(oracle(input), reduce(always, alwaysOut));
    assertEquals(4_000, alwaysOut[0]);
    assertFalse(always.combiningStopped());

    MapSideCombiner<Integer, Long, Long> never =
        combiner(
            new MapSideCombineSettings(MapSideCombineOption.NEVER, 10, 0.1, Long.MAX_VALUE), input);
    long[] neverOut = new long[1];
    assertEquals(oracle(input), reduce(never, neverOut));
    assertEquals(5_000, neverOut[0]);
    assertEquals(0, never.peakMemoryBytes());
  }

  @Test
  void closeMidwayEndsTheOutputAndHoldsNoMemory() {
    List<Product2<Integer, Long>> input = records(10_000, 5_000, 5);
    MapSideCombiner<Integer, Long, Long> combiner =
        combiner(MapSideCombineSettings.defaults(), input);
    combiner.next();
    // Emitting is a flush: the map's memory went back before the first record left.
    assertEquals(0, taskMemoryManager.getMemoryConsumptionForThisTask());
    assertTrue(combiner.peakMemoryBytes() > 0);
    combiner.close();
    assertEquals(0, taskMemoryManager.getMemoryConsumptionForThisTask());
    assertFalse(combiner.hasNext());
  }
}
