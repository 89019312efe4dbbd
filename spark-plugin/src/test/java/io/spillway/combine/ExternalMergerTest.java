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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.sort.CloseableIterator;
import io.spillway.sort.SpillTestSupport;
import io.spillway.sort.SpillTestSupport.SerializerKind;
import io.spillway.testing.TestSeed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.Tuple2;

class ExternalMergerTest {

  private static final CombineFunctions<Long, Long> SUM =
      new CombineFunctions<>(v -> v, Long::sum, Long::sum);

  @TempDir Path spillDirectory;

  /** Checks each test's Spark pieces for leaked memory and files after the test, pass or fail. */
  @RegisterExtension final SpillTestSupport.LeakCheck leakCheck = new SpillTestSupport.LeakCheck();

  private <V, C> ExternalMerger<Object, V, C> merger(
      SpillTestSupport support, CombineFunctions<V, C> functions, MergerSettings settings) {
    return new ExternalMerger<>(
        functions,
        settings,
        support.taskMemoryManager,
        support.serializerManager,
        support.serializer,
        support.fileFactory);
  }

  private static <K, C> Map<K, C> drain(CloseableIterator<Tuple2<K, C>> iterator, String context) {
    Map<K, C> result = new HashMap<>();
    while (iterator.hasNext()) {
      Tuple2<K, C> record = iterator.next();
      assertFalse(
          result.containsKey(record._1()), "key yielded twice: " + record._1() + ", " + context);
      result.put(record._1(), record._2());
    }
    return result;
  }

  /** Random records over {@code keyRange} keys, made by {@code keyOf}, with the sum oracle. */
  private static List<Tuple2<Object, Long>> randomRecords(
      long seed, int count, int keyRange, IntFunction<Object> keyOf, Map<Object, Long> oracle) {
    Random random = new Random(seed);
    List<Tuple2<Object, Long>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Object key = keyOf.apply(random.nextInt(keyRange));
      long value = random.nextInt(1000);
      records.add(new Tuple2<>(key, value));
      oracle.merge(key, value, Long::sum);
    }
    return records;
  }

  @ParameterizedTest
  @EnumSource(SerializerKind.class)
  void sumsMatchHashMapOracleWithSpills(SerializerKind kind) throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed + ", " + kind;
    SpillTestSupport support =
        leakCheck.track(new SpillTestSupport(spillDirectory, 256 * 1024, kind, false));
    Map<Object, Long> oracle = new HashMap<>();
    List<Tuple2<Object, Long>> records =
        randomRecords(seed, 100_000, 20_000, Integer::valueOf, oracle);
    ExternalMerger<Object, Long, Long> merger =
        merger(support, SUM, MergerSettings.defaults().withNumSpillPartitions(8));

    merger.mergeValues(records.iterator());
    assertEquals(oracle, drain(merger.items(), context), context);

    assertTrue(merger.metrics().spillCount() > 1, context);
    assertTrue(merger.metrics().bytesSpilled() > 0, context);
    assertTrue(merger.metrics().peakMemoryBytes() > 0, context);
    assertEquals(0, merger.memoryUsedBytes(), context);
    assertEquals(0, support.spillFilesLeft(), "files left before close, " + context);
    merger.close();
  }

  @Test
  void recursesThenMergesBySortWhenPartitionsStayTooLarge() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    SpillTestSupport support =
        leakCheck.track(
            new SpillTestSupport(spillDirectory, 48 * 1024, SerializerKind.KRYO, false));
    Map<Object, Long> oracle = new HashMap<>();
    List<Tuple2<Object, Long>> records =
        randomRecords(seed, 150_000, 40_000, Integer::valueOf, oracle);
    // 4 partitions per level and at most 16 in total: level 1 has 4, level 2 has 16, then sort.
    MergerSettings settings =
        MergerSettings.defaults()
            .withNumSpillPartitions(4)
            .withMaxTotalPartitions(16)
            .withMaxOpenFiles(4);
    ExternalMerger<Object, Long, Long> merger = merger(support, SUM, settings);

    merger.mergeValues(records.iterator());
    assertEquals(oracle, drain(merger.items(), context), context);

    assertTrue(
        merger.metrics().recursionDepth() > 1,
        "recursion depth " + merger.metrics().recursionDepth() + ", " + context);
    assertTrue(merger.metrics().repartitionedPartitions() > 0, context);
    assertTrue(merger.metrics().sortMergedPartitions() > 0, "no sort fallback, " + context);
    merger.close();
  }

  @Test
  void keysWhoseHashCodesAllCollideAreMergedBySort() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    SpillTestSupport support =
        leakCheck.track(new SpillTestSupport(spillDirectory, 64 * 1024, SerializerKind.JAVA, true));
    Map<Object, Long> oracle = new HashMap<>();
    List<Tuple2<Object, Long>> records =
        randomRecords(seed, 60_000, 10_000, CollidingKey::new, oracle);
    MergerSettings settings =
        MergerSettings.defaults().withNumSpillPartitions(4).withMaxTotalPartitions(16);
    ExternalMerger<Object, Long, Long> merger = merger(support, SUM, settings);

    merger.mergeValues(records.iterator());
    assertEquals(oracle, drain(merger.items(), context), context);

    assertEquals(2, merger.metrics().recursionDepth(), context);
    assertTrue(merger.metrics().sortMergedPartitions() > 0, context);
    merger.close();
  }

  @Test
  void listAppendAndNullKeys() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 128 * 1024));
    CombineFunctions<Integer, ArrayList<Integer>> append =
        new CombineFunctions<>(
            v -> new ArrayList<>(List.of(v)),
            (list, v) -> {
              list.add(v);
              return list;
            },
            (left, right) -> {
              left.addAll(right);
              return left;
            });
    Random random = new Random(seed);
    List<Tuple2<Object, Integer>> records = new ArrayList<>();
    Map<Object, List<Integer>> oracle = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      Object key = random.nextInt(10) == 0 ? null : (Object) ("k" + random.nextInt(5_000));
      records.add(new Tuple2<>(key, i));
      oracle.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    ExternalMerger<Object, Integer, ArrayList<Integer>> merger =
        merger(support, append, MergerSettings.defaults().withNumSpillPartitions(16));

    merger.mergeValues(records.iterator());
    Map<Object, ArrayList<Integer>> actual = drain(merger.items(), context);

    assertEquals(oracle.keySet(), actual.keySet(), context);
    for (Map.Entry<Object, List<Integer>> entry : oracle.entrySet()) {
      List<Integer> values = new ArrayList<>(actual.get(entry.getKey()));
      values.sort(null);
      assertEquals(entry.getValue(), values, "key " + entry.getKey() + ", " + context);
    }
    assertTrue(merger.metrics().spillCount() > 0, context);
    merger.close();
  }

  @Test
  void setUnionOverMergeCombiners() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    SpillTestSupport support =
        leakCheck.track(
            new SpillTestSupport(spillDirectory, 128 * 1024, SerializerKind.KRYO, false));
    CombineFunctions<Integer, HashSet<Integer>> union =
        new CombineFunctions<>(
            v -> new HashSet<>(Set.of(v)),
            (set, v) -> {
              set.add(v);
              return set;
            },
            (left, right) -> {
              left.addAll(right);
              return left;
            });
    Random random = new Random(seed);
    List<Tuple2<Object, HashSet<Integer>>> partialCombiners = new ArrayList<>();
    Map<Object, Set<Integer>> oracle = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      Object key = random.nextInt(3_000);
      HashSet<Integer> partial = new HashSet<>();
      partial.add(random.nextInt(50));
      partial.add(random.nextInt(50));
      partialCombiners.add(new Tuple2<>(key, partial));
      oracle.computeIfAbsent(key, k -> new HashSet<>()).addAll(partial);
    }
    ExternalMerger<Object, Integer, HashSet<Integer>> merger =
        merger(support, union, MergerSettings.defaults().withNumSpillPartitions(8));

    merger.mergeCombiners(partialCombiners.iterator());
    Map<Object, HashSet<Integer>> actual = drain(merger.items(), context);

    assertEquals(oracle, new HashMap<Object, Set<Integer>>(actual), context);
    assertTrue(merger.metrics().spillCount() > 0, context);
    merger.close();
  }

  @Test
  void emptyInputYieldsNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 1 << 20));
    ExternalMerger<Object, Long, Long> merger = merger(support, SUM, MergerSettings.defaults());
    merger.mergeValues(List.<Tuple2<Object, Long>>of().iterator());
    assertFalse(merger.items().hasNext());
    assertEquals(0, merger.metrics().spillCount());
    merger.close();
  }

  @Test
  void failureMidIterationThenCloseLeavesNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 64 * 1024));
    int[] merges = {0};
    boolean[] armed = {false};
    CombineFunctions<Long, Long> failing =
        new CombineFunctions<>(
            v -> v,
            Long::sum,
            (left, right) -> {
              if (armed[0] && ++merges[0] > 500) {
                throw new IllegalStateException("injected mergeCombiners failure");
              }
              return left + right;
            });
    ExternalMerger<Object, Long, Long> merger =
        merger(support, failing, MergerSettings.defaults().withNumSpillPartitions(4));
    merger.mergeValues(
        randomRecords(3, 80_000, 30_000, Integer::valueOf, new HashMap<>()).iterator());
    armed[0] = true;
    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> drain(merger.items(), "injected failure"));
    assertEquals("injected mergeCombiners failure", failure.getMessage());
    merger.close();
    merger.close();
  }

  @Test
  void abandonedIteratorThenCloseLeavesNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 48 * 1024));
    MergerSettings settings =
        MergerSettings.defaults().withNumSpillPartitions(4).withMaxTotalPartitions(16);
    ExternalMerger<Object, Long, Long> merger = merger(support, SUM, settings);
    merger.mergeValues(
        randomRecords(5, 60_000, 10_000, CollidingKey::new, new HashMap<>()).iterator());
    CloseableIterator<Tuple2<Object, Long>> items = merger.items();
    for (int i = 0; i < 5; i++) {
      items.next();
    }
    assertTrue(support.spillFilesLeft() > 0);
    merger.close();
  }

  @Test
  void rejectsBadSettingsNamingTheValue() {
    IllegalArgumentException tooFew =
        assertThrows(
            IllegalArgumentException.class,
            () -> MergerSettings.defaults().withNumSpillPartitions(1));
    assertTrue(
        tooFew.getMessage().contains("numSpillPartitions")
            && tooFew.getMessage().contains("got 1"));
    IllegalArgumentException cap =
        assertThrows(
            IllegalArgumentException.class,
            () -> MergerSettings.defaults().withMaxTotalPartitions(8));
    assertTrue(
        cap.getMessage().contains("maxTotalPartitions") && cap.getMessage().contains("got 8"));
  }
}
