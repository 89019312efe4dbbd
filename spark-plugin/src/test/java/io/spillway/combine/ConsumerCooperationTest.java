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
import io.spillway.io.TempFileTracker;
import io.spillway.memory.MemoryReservation;
import io.spillway.sort.CloseableIterator;
import io.spillway.sort.ExternalSorter;
import io.spillway.sort.SortSettings;
import io.spillway.sort.SpillTestSupport;
import io.spillway.sort.SpillTestSupport.SerializerKind;
import io.spillway.testing.TestSeed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.apache.spark.memory.TaskMemoryManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * Two consumers competing in one {@link TaskMemoryManager}: a combiner or sorter takes its input,
 * and part-way through another consumer of the same task asks for more memory than is free. The
 * task memory manager then asks the combiner to spill; the combiner must give back its
 * reservation (so the other consumer gets all it asked for), report what it freed, and still
 * return the right result (a {@code HashMap} or sorted-list oracle, seed printed). A request
 * from another thread, or while the output is read, must free nothing and change nothing.
 */
class ConsumerCooperationTest {

  private static final long MEMORY_LIMIT = 8L << 20;
  private static final int RECORDS = 200_000;
  private static final int KEYS = 50_000;

  /** The other consumer asks after this many input records, when the combiner holds memory. */
  private static final int ASK_AFTER = 30_000;

  @TempDir Path spillDirectory;
  private SpillTestSupport support;
  private CompetingConsumer competitor;
  private long seed;

  @BeforeEach
  void setUp() {
    support = new SpillTestSupport(spillDirectory, MEMORY_LIMIT, SerializerKind.KRYO, false);
    competitor = new CompetingConsumer(support.taskMemoryManager);
    seed = TestSeed.next();
  }

  @AfterEach
  void nothingLeaks() throws IOException {
    competitor.releaseAll();
    support.assertNoLeaks();
  }

  /** What the competitor asked for and got, from inside the input iterator. */
  private static final class Ask {
    long heldByCombiner = -1;
    long asked;
    long granted;
  }

  private List<Tuple2<Object, Long>> randomRecords() {
    Random random = new Random(seed);
    List<Tuple2<Object, Long>> records = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      records.add(new Tuple2<>("key-" + random.nextInt(KEYS), (long) random.nextInt(1000)));
    }
    return records;
  }

  private static Map<Object, Long> sums(List<Tuple2<Object, Long>> records) {
    Map<Object, Long> sums = new HashMap<>();
    records.forEach(r -> sums.merge(r._1(), r._2(), Long::sum));
    return sums;
  }

  /**
   * The records, with the competitor asking, after {@link #ASK_AFTER} of them, for all free
   * memory plus half of what the combiner holds: only a spill of the combiner can grant that.
   */
  private Iterator<Tuple2<Object, Long>> competingInput(
      List<Tuple2<Object, Long>> records, LongSupplier combinerBytes, Ask ask) {
    Iterator<Tuple2<Object, Long>> all = records.iterator();
    return new Iterator<>() {
      private int taken;

      @Override
      public boolean hasNext() {
        return all.hasNext();
      }

      @Override
      public Tuple2<Object, Long> next() {
        if (++taken == ASK_AFTER) {
          askForMoreThanIsFree(combinerBytes, ask);
        }
        return all.next();
      }
    };
  }

  private void askForMoreThanIsFree(LongSupplier combinerBytes, Ask ask) {
    ask.heldByCombiner = combinerBytes.getAsLong();
    long free = MEMORY_LIMIT - support.taskMemoryManager.getMemoryConsumptionForThisTask();
    ask.asked = free + ask.heldByCombiner / 2;
    ask.granted = competitor.take(ask.asked);
    competitor.releaseAll();
  }

  private void assertTheCombinerGaveWay(Ask ask) {
    assertTrue(ask.heldByCombiner > 0, "the combiner must hold memory when the competitor asks");
    assertEquals(
        ask.asked,
        ask.granted,
        "the competitor gets what it asked for once the combiner spilled (it held "
            + ask.heldByCombiner
            + " bytes)");
  }

  @Test
  void mergerSpillsWhenAnotherConsumerAsks() throws IOException {
    List<Tuple2<Object, Long>> records = randomRecords();
    ExternalMerger<Object, Long, Long> merger =
        new ExternalMerger<>(
            new CombineFunctions<>(v -> v, Long::sum, Long::sum),
            MergerSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            support.fileFactory);
    Ask ask = new Ask();
    try {
      merger.mergeValues(competingInput(records, merger::memoryUsedBytes, ask));
      assertTheCombinerGaveWay(ask);
      assertTrue(merger.metrics().spillCount() >= 1, "the request spilled the merger");
      assertEquals(sums(records), drain(merger.items()), "seed " + seed);
    } finally {
      merger.close();
    }
  }

  @Test
  void groupBySpillsWhenAnotherConsumerAsks() throws IOException {
    List<Tuple2<Object, Long>> records = randomRecords();
    ExternalGroupBy<Object, Long> groupBy =
        new ExternalGroupBy<>(
            MergerSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            support.fileFactory);
    Ask ask = new Ask();
    try {
      groupBy.mergeValues(competingInput(records, groupBy::memoryUsedBytes, ask));
      assertTheCombinerGaveWay(ask);
      assertTrue(groupBy.metrics().spillCount() >= 1, "the request spilled the group-by");
      Map<Object, Long> sums = new HashMap<>();
      Map<Object, Long> counts = new HashMap<>();
      try (CloseableIterator<Tuple2<Object, ExternalList<Long>>> groups = groupBy.items()) {
        while (groups.hasNext()) {
          Tuple2<Object, ExternalList<Long>> group = groups.next();
          assertFalse(sums.containsKey(group._1()), "key twice: " + group._1());
          long sum = 0;
          for (Long value : group._2()) {
            sum += value;
          }
          sums.put(group._1(), sum);
          counts.put(group._1(), group._2().size());
        }
      }
      assertEquals(sums(records), sums, "seed " + seed);
      assertEquals(RECORDS, counts.values().stream().mapToLong(Long::longValue).sum());
    } finally {
      groupBy.close();
    }
  }

  @Test
  void sorterSpillsWhenAnotherConsumerAsks() throws IOException {
    List<Tuple2<Object, Long>> records = randomRecords();
    ExternalSorter<Object, Long> sorter =
        new ExternalSorter<>(
            Comparator.comparing(key -> (String) key),
            SortSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            new TempFileTracker<>(support.fileFactory));
    Ask ask = new Ask();
    try {
      sorter.insertAll(
          competingInput(
              records, () -> support.taskMemoryManager.getMemoryConsumptionForThisTask(), ask));
      assertTheCombinerGaveWay(ask);
      assertTrue(sorter.spillCount() >= 1, "the request spilled the sorter");
      List<String> expected = new ArrayList<>();
      records.forEach(r -> expected.add(r._1() + "=" + r._2()));
      expected.sort(Comparator.comparing((String line) -> line.substring(0, line.indexOf('='))));
      List<String> keys = new ArrayList<>();
      List<String> lines = new ArrayList<>();
      try (CloseableIterator<Tuple2<Object, Long>> sorted = sorter.sortedIterator()) {
        while (sorted.hasNext()) {
          Tuple2<Object, Long> record = sorted.next();
          keys.add((String) record._1());
          lines.add(record._1() + "=" + record._2());
        }
      }
      List<String> expectedKeys = new ArrayList<>();
      expected.forEach(line -> expectedKeys.add(line.substring(0, line.indexOf('='))));
      assertEquals(expectedKeys, keys, "key order, seed " + seed);
      expected.sort(Comparator.naturalOrder());
      lines.sort(Comparator.naturalOrder());
      assertEquals(expected, lines, "records, seed " + seed);
    } finally {
      sorter.close();
    }
  }

  @Test
  void mapSideCombinerFlushesWhenAnotherConsumerAsks() {
    List<Tuple2<Object, Long>> records = randomRecords();
    MemoryReservation memory = new MemoryReservation(support.taskMemoryManager, "test combiner");
    Ask ask = new Ask();
    // The upstream operator asks while the combiner pulls its input. (The map output buffer, the
    // combiner's own consumer, only allocates while the combiner emits a detached map, whose
    // memory is already returned.)
    MapSideCombiner<Object, Long, Long> combiner =
        new MapSideCombiner<>(
            new CombineFunctions<>(v -> v, Long::sum, Long::sum),
            new MapSideCombineSettings(MapSideCombineOption.ALWAYS, 100_000, 0.8, Long.MAX_VALUE),
            memory,
            competingInput(records, memory::getUsed, ask));
    Map<Object, Long> merged = new HashMap<>();
    try {
      while (combiner.hasNext()) {
        Tuple2<Object, Long> record = combiner.next();
        merged.merge(record._1(), record._2(), Long::sum);
      }
    } finally {
      combiner.close();
    }
    assertTheCombinerGaveWay(ask);
    assertTrue(combiner.memoryFlushes() >= 1, "the request flushed the combiner");
    assertEquals(sums(records), merged, "what the reducer merges, seed " + seed);
  }

  @Test
  void requestsFromAnotherThreadOrDuringOutputFreeNothing() throws Exception {
    List<Tuple2<Object, Long>> records = randomRecords();
    ExternalMerger<Object, Long, Long> merger =
        new ExternalMerger<>(
            new CombineFunctions<>(v -> v, Long::sum, Long::sum),
            MergerSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            support.fileFactory);
    try {
      merger.mergeValues(records.subList(0, ASK_AFTER).iterator());
      long held = merger.memoryUsedBytes();
      assertTrue(held > 0, "the merger holds memory");
      long free = MEMORY_LIMIT - support.taskMemoryManager.getMemoryConsumptionForThisTask();
      long[] granted = new long[1];
      Thread other =
          new Thread(() -> granted[0] = competitor.take(free + held / 2), "other-consumer");
      other.start();
      other.join();
      assertEquals(free, granted[0], "from another thread only the free memory is granted");
      assertEquals(held, merger.memoryUsedBytes(), "the merger kept its memory");
      assertEquals(0, merger.metrics().spillCount(), "and did not spill");
      competitor.releaseAll();

      CloseableIterator<Tuple2<Object, Long>> items = merger.items();
      Map<Object, Long> result = new HashMap<>();
      Tuple2<Object, Long> first = items.next();
      result.put(first._1(), first._2());
      long stillHeld = merger.memoryUsedBytes();
      long freeNow = MEMORY_LIMIT - support.taskMemoryManager.getMemoryConsumptionForThisTask();
      assertEquals(
          freeNow,
          competitor.take(freeNow + stillHeld / 2),
          "while reading the output nothing is freed");
      competitor.releaseAll();
      result.putAll(drain(items));
      assertEquals(sums(records.subList(0, ASK_AFTER)), result, "seed " + seed);
    } finally {
      merger.close();
    }
  }

  private static Map<Object, Long> drain(CloseableIterator<Tuple2<Object, Long>> items) {
    Map<Object, Long> result = new HashMap<>();
    while (items.hasNext()) {
      Tuple2<Object, Long> record = items.next();
      assertFalse(result.containsKey(record._1()), "key twice: " + record._1());
      result.put(record._1(), record._2());
    }
    return result;
  }
}
