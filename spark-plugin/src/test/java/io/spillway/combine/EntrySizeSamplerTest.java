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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.memory.EntrySizeSampler;
import java.util.ArrayList;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.spark.util.SizeEstimator;
import org.junit.jupiter.api.Test;

/**
 * {@link EntrySizeSampler}'s estimate plus {@link CombinerMap#tableBytes()} against
 * {@link SizeEstimator} walking the whole map, for
 * combiners that keep their size (sums), that grow with every merge (lists, skewed keys) and
 * keys of varying size; and after the map is emptied, as a spill does.
 */
class EntrySizeSamplerTest {

  @Test
  void sumsOfLongs() {
    check(
        i -> (long) (i % 150_000), value -> value, (a, b) -> (Long) a + (Long) b, 500_000, 200_000);
  }

  @Test
  void listsGrowingUnderSkewedKeys() {
    // a few hot keys get most values: their lists grow large while most lists stay tiny
    check(
        i -> (long) (i % 10 == 0 ? i % 7 : i % 50_000),
        EntrySizeSamplerTest::newList,
        EntrySizeSamplerTest::append,
        400_000,
        200_000);
  }

  @Test
  void oneKeyWhoseListHoldsEveryValue() {
    // a list past SizeEstimator's exact range: its growth must still be counted
    check(i -> 7L, EntrySizeSamplerTest::newList, EntrySizeSamplerTest::append, 300_000, 1_000_000);
  }

  @Test
  void stringKeysOfVaryingLength() {
    Random random = new Random(3);
    check(
        i -> "key-" + "x".repeat(random.nextInt(40)) + (i % 100_000),
        value -> value,
        (left, right) -> left,
        300_000,
        100_000);
  }

  @Test
  void sizesThatGrowAfterTheIntervalsWidenAreStillCounted() {
    // a million small entries, then a million large ones: by then one insert in hundreds is
    // measured, and an unweighted mean of the samples would be nearly the small size
    EntrySizeSampler sizes = new EntrySizeSampler();
    Long small = 5L;
    byte[] large = new byte[1000];
    int each = 1_000_000;
    for (int i = 0; i < each; i++) {
      sizes.inserted(small, null);
    }
    for (int i = 0; i < each; i++) {
      sizes.inserted(small, large);
    }
    double expected =
        each * (double) SizeEstimator.estimate(small)
            + each * (double) (SizeEstimator.estimate(small) + SizeEstimator.estimate(large));
    assertWithinTwoPercent("estimate", sizes.estimatedBytes(), expected);
  }

  @Test
  void growthThatStartsLateIsStillCounted() {
    // merges that replace a combiner by one of the same size, then merges that grow it by a
    // measured amount; the growth term must reflect the late half
    EntrySizeSampler sizes = new EntrySizeSampler();
    sizes.inserted(1L, 0L);
    int each = 2_000_000;
    for (int i = 0; i < 2 * each; i++) {
      if (sizes.measureUpdate()) {
        sizes.updated(100, i < each ? new byte[84] : new byte[1004], null);
      } else {
        sizes.updated();
      }
    }
    long perGrowth = SizeEstimator.estimate(new byte[1004]) - 100;
    long perSame = SizeEstimator.estimate(new byte[84]) - 100;
    double expected = each * (double) perSame + each * (double) perGrowth;
    double growth =
        sizes.estimatedBytes() - SizeEstimator.estimate(1L) - SizeEstimator.estimate(0L);
    assertWithinTwoPercent("growth", growth, expected);
  }

  private static void assertWithinTwoPercent(String what, double actual, double expected) {
    assertTrue(
        Math.abs(actual - expected) < expected * 0.02,
        what + " " + actual + " vs expected " + expected);
  }

  @Test
  void collectionsAreNotMeasuredBeforeAMerge() {
    EntrySizeSampler sizes = new EntrySizeSampler();
    ArrayList<Object> list = new ArrayList<>(java.util.List.of(1L, 2L));
    assertEquals(EntrySizeSampler.UNMEASURED, sizes.sizeBeforeMerge(list));
    assertEquals(
        EntrySizeSampler.UNMEASURED,
        sizes.sizeBeforeMerge(
            new org.apache.spark.util.collection.CompactBuffer<Object>(
                scala.reflect.ClassTag$.MODULE$.Any())));
    assertEquals(SizeEstimator.estimate(12345L), sizes.sizeBeforeMerge(12345L));
  }

  private static Object newList(Object value) {
    ArrayList<Object> list = new ArrayList<>();
    list.add(value);
    return list;
  }

  @SuppressWarnings("unchecked")
  private static Object append(Object list, Object value) {
    ((ArrayList<Object>) list).add(value);
    return list;
  }

  /**
   * Fills a map twice (emptying it in between, as a spill does) and checks the estimate is
   * within a factor of 2 of the measured size, after each fill.
   */
  private static void check(
      IntFunction<Object> keys,
      Function<Object, Object> create,
      BiFunction<Object, Object, Object> merge,
      int records,
      int valueRange) {
    EntrySizeSampler sizes = new EntrySizeSampler();
    Random random = new Random(42);
    for (int round = 0; round < 2; round++) {
      CombinerMap map = new CombinerMap();
      sizes.reset();
      for (int i = 0; i < records; i++) {
        Object key = keys.apply(i);
        Object value = (long) random.nextInt(valueRange);
        int slot = map.find(key);
        if (slot < 0) {
          Object created = create.apply(value);
          map.insertAt(slot, key, created);
          sizes.inserted(key, created);
        } else {
          map.mergeAt(slot, value, merge, sizes);
        }
      }
      long actual = SizeEstimator.estimate(map);
      long estimate = sizes.estimatedBytes() + map.tableBytes();
      assertTrue(
          estimate > actual / 2 && estimate < actual * 2,
          "round " + round + ": estimate " + estimate + " vs measured " + actual);
    }
  }
}
