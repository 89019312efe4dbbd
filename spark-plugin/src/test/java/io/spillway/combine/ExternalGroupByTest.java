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

import io.spillway.sort.CloseableIterator;
import io.spillway.sort.SpillTestSupport;
import io.spillway.sort.SpillTestSupport.SerializerKind;
import io.spillway.testing.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

class ExternalGroupByTest {

  @TempDir Path spillDirectory;

  /** Checks each test's Spark pieces for leaked memory and files after the test, pass or fail. */
  @RegisterExtension final SpillTestSupport.LeakCheck leakCheck = new SpillTestSupport.LeakCheck();

  private ExternalGroupBy<Object, Integer> groupBy(
      SpillTestSupport support, MergerSettings settings) {
    return new ExternalGroupBy<>(
        settings,
        support.taskMemoryManager,
        support.serializerManager,
        support.serializer,
        support.fileFactory);
  }

  /** One key with {@code bigKeyValues} values, interleaved with small keys (and a null key). */
  private static Iterator<Tuple2<Object, Integer>> skewedRecords(
      long seed, int bigKeyValues, Map<Object, long[]> oracle) {
    Random random = new Random(seed);
    List<Tuple2<Object, Integer>> records = new ArrayList<>();
    for (int i = 0; i < bigKeyValues; i++) {
      int value = random.nextInt(1_000_000);
      records.add(new Tuple2<>("big", value));
      count(oracle, "big", value);
      if (i % 20 == 0) {
        Object key = i % 1000 == 0 ? null : (Object) ("small" + random.nextInt(500));
        records.add(new Tuple2<>(key, value));
        count(oracle, key, value);
      }
    }
    return records.iterator();
  }

  private static void count(Map<Object, long[]> oracle, Object key, int value) {
    long[] countAndSum = oracle.computeIfAbsent(key, k -> new long[2]);
    countAndSum[0]++;
    countAndSum[1] += value;
  }

  private static long[] countAndSum(Iterable<Integer> values) {
    long[] countAndSum = new long[2];
    for (int value : values) {
      countAndSum[0]++;
      countAndSum[1] += value;
    }
    return countAndSum;
  }

  @Test
  void oneKeyFarLargerThanMemoryCompletesWithExactCountAndSum() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    long memoryLimitBytes = 128 * 1024;
    SpillTestSupport support =
        leakCheck.track(
            new SpillTestSupport(spillDirectory, memoryLimitBytes, SerializerKind.KRYO, false));
    MergerSettings settings =
        MergerSettings.defaults()
            .withNumSpillPartitions(8)
            .withMaxOpenFiles(8)
            .withListSpillThresholdBytes(32 * 1024);
    ExternalGroupBy<Object, Integer> groupBy = groupBy(support, settings);
    Map<Object, long[]> oracle = new HashMap<>();

    groupBy.mergeValues(skewedRecords(seed, 400_000, oracle));
    Map<Object, ExternalList<Integer>> groups = new HashMap<>();
    try (CloseableIterator<Tuple2<Object, ExternalList<Integer>>> items = groupBy.items()) {
      while (items.hasNext()) {
        Tuple2<Object, ExternalList<Integer>> group = items.next();
        assertFalse(groups.containsKey(group._1()), "key twice: " + group._1() + ", " + context);
        groups.put(group._1(), group._2());
      }
    }

    assertEquals(oracle.keySet(), groups.keySet(), context);
    for (Map.Entry<Object, long[]> expected : oracle.entrySet()) {
      ExternalList<Integer> values = groups.get(expected.getKey());
      assertEquals(
          expected.getValue()[0], values.size(), "size of " + expected.getKey() + ", " + context);
      long[] actual = countAndSum(values);
      assertEquals(
          expected.getValue()[0], actual[0], "count of " + expected.getKey() + ", " + context);
      assertEquals(
          expected.getValue()[1], actual[1], "sum of " + expected.getKey() + ", " + context);
    }
    ExternalList<Integer> big = groups.get("big");
    assertTrue(
        big.bytesSpilled() > 4 * memoryLimitBytes,
        "big key should be several times memory, " + context);
    assertEquals(oracle.get("big")[1], countAndSum(big)[1], "second iteration, " + context);
    assertTrue(
        groupBy.metrics().sortMergedPartitions() > 0, "expected sort-based grouping, " + context);
    assertEquals(0, groupBy.memoryUsedBytes(), context);
    groupBy.close();
  }

  @Test
  void randomGroupsMatchOracle() throws IOException {
    long seed = TestSeed.next();
    String context = "seed " + seed;
    SpillTestSupport support =
        leakCheck.track(new SpillTestSupport(spillDirectory, 96 * 1024, SerializerKind.JAVA, true));
    ExternalGroupBy<Object, Integer> groupBy =
        groupBy(support, MergerSettings.defaults().withNumSpillPartitions(16));
    Random random = new Random(seed);
    List<Tuple2<Object, Integer>> records = new ArrayList<>();
    Map<Object, List<Integer>> oracle = new HashMap<>();
    for (int i = 0; i < 60_000; i++) {
      Object key = random.nextInt(8_000);
      records.add(new Tuple2<>(key, i));
      oracle.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }

    groupBy.mergeValues(records.iterator());
    Map<Object, List<Integer>> actual = new HashMap<>();
    CloseableIterator<Tuple2<Object, ExternalList<Integer>>> items = groupBy.items();
    while (items.hasNext()) {
      Tuple2<Object, ExternalList<Integer>> group = items.next();
      List<Integer> values = new ArrayList<>();
      group._2().forEach(values::add);
      values.sort(null);
      actual.put(group._1(), values);
    }

    assertEquals(oracle, actual, context);
    assertTrue(groupBy.metrics().spillCount() > 0, context);
    groupBy.close();
  }

  @Test
  void emptyInputYieldsNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 1 << 20));
    ExternalGroupBy<Object, Integer> groupBy = groupBy(support, MergerSettings.defaults());
    groupBy.mergeValues(List.<Tuple2<Object, Integer>>of().iterator());
    assertFalse(groupBy.items().hasNext());
    groupBy.close();
  }

  @Test
  void abandonedIterationsThenCloseLeaveNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 64 * 1024));
    MergerSettings settings =
        MergerSettings.defaults().withNumSpillPartitions(4).withListSpillThresholdBytes(16 * 1024);
    ExternalGroupBy<Object, Integer> groupBy = groupBy(support, settings);
    groupBy.mergeValues(skewedRecords(9, 100_000, new HashMap<>()));
    CloseableIterator<Tuple2<Object, ExternalList<Integer>>> items = groupBy.items();
    Tuple2<Object, ExternalList<Integer>> first = items.next();
    first._2().iterator().next();
    assertTrue(support.spillFilesLeft() > 0);
    groupBy.close();
    groupBy.close();
  }

  @Test
  void externalListIsSerializableWithAllItsValues() throws Exception {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 1 << 20));
    MergerContext context =
        new MergerContext(
            MergerSettings.defaults().withListSpillThresholdBytes(8 * 1024),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            new io.spillway.io.TempFileTracker<>(support.fileFactory));
    ExternalList<Integer> list = new ExternalList<>(context);
    for (int i = 0; i < 20_000; i++) {
      list.add(i);
    }
    assertTrue(list.bytesSpilled() > 0, "the list should have spilled");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(list);
    }
    @SuppressWarnings("unchecked")
    ExternalList<Integer> copy =
        (ExternalList<Integer>)
            new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();

    assertEquals(20_000, copy.size());
    int expected = 0;
    for (int value : copy) {
      assertEquals(expected++, value);
    }
    assertEquals(20_000, expected);

    org.apache.spark.serializer.SerializerInstance kryo =
        new org.apache.spark.serializer.KryoSerializer(support.conf).newInstance();
    @SuppressWarnings("unchecked")
    ExternalList<Integer> kryoCopy =
        (ExternalList<Integer>)
            kryo.deserialize(
                kryo.serialize(list, scala.reflect.ClassTag$.MODULE$.AnyRef()),
                scala.reflect.ClassTag$.MODULE$.AnyRef());
    assertEquals(20_000, kryoCopy.size());
    long sum = 0;
    for (int value : kryoCopy) {
      sum += value;
    }
    assertEquals(19_999L * 20_000 / 2, sum);
    list.close();
  }
}
