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
package io.spillway.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.io.TempFileTracker;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillWriter;
import io.spillway.testing.TestSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.Tuple2;
import scala.math.Ordering;

class ExternalSorterTest {

  @TempDir Path spillDirectory;

  /** Checks each test's Spark pieces for leaked memory and files after the test, pass or fail. */
  @RegisterExtension final SpillTestSupport.LeakCheck leakCheck = new SpillTestSupport.LeakCheck();

  private ExternalSorter<Integer, String> sorter(
      SpillTestSupport support, Comparator<? super Integer> order, int maxOpenFiles) {
    return new ExternalSorter<>(
        order,
        new SortSettings(maxOpenFiles, 4096),
        support.taskMemoryManager,
        support.serializerManager,
        support.serializer,
        new TempFileTracker<>(support.fileFactory));
  }

  private static List<Tuple2<Integer, String>> randomRecords(long seed, int count, int keyRange) {
    Random random = new Random(seed);
    List<Tuple2<Integer, String>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int key = random.nextInt(keyRange) - keyRange / 2;
      records.add(new Tuple2<>(key, "v" + key));
    }
    return records;
  }

  private static List<Integer> drainKeys(CloseableIterator<Tuple2<Integer, String>> iterator) {
    List<Integer> keys = new ArrayList<>();
    while (iterator.hasNext()) {
      Tuple2<Integer, String> record = iterator.next();
      assertEquals("v" + record._1(), record._2());
      keys.add(record._1());
    }
    return keys;
  }

  @ParameterizedTest
  @EnumSource(SpillTestSupport.SerializerKind.class)
  void sortsRandomDataWithMultiPassMergeLikeListSort(SpillTestSupport.SerializerKind kind)
      throws IOException {
    long seed = TestSeed.next();
    SpillTestSupport support =
        leakCheck.track(new SpillTestSupport(spillDirectory, 64 * 1024, kind, false));
    List<Tuple2<Integer, String>> records = randomRecords(seed, 60_000, 1_000_000);
    ExternalSorter<Integer, String> sorter = sorter(support, Comparator.naturalOrder(), 4);

    sorter.insertAll(records.iterator());
    List<Integer> actual = drainKeys(sorter.sortedIterator());

    List<Integer> expected = new ArrayList<>();
    records.forEach(record -> expected.add(record._1()));
    expected.sort(Comparator.naturalOrder());
    assertEquals(expected, actual, "seed " + seed);
    assertTrue(sorter.spillCount() > 3, "expected several runs, seed " + seed);
    assertTrue(sorter.mergePasses() > 1, "expected a multi-pass merge, seed " + seed);
  }

  @Test
  void spillsAboutOnceEachTimeItsRecordsFillTheMemory() throws IOException {
    // 2,000 records of about 1.1 KB of heap each (Tuple2, Integer, a String of 1,000 Latin-1
    // chars): ~2.2 MB through 256 KiB. The estimate (sampled record sizes plus the array) must see
    // that: about one run per 256 KiB. Too low and the records stay on the heap unaccounted; too
    // high and the sorter spills on every few records.
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 256 * 1024));
    ExternalSorter<Integer, String> sorter = sorter(support, Comparator.naturalOrder(), 64);
    String filler = "x".repeat(1000);
    for (int i = 1999; i >= 0; i--) {
      sorter.insert(i, filler);
    }
    int expectedKey = 0;
    try (CloseableIterator<Tuple2<Integer, String>> sorted = sorter.sortedIterator()) {
      while (sorted.hasNext()) {
        assertEquals(expectedKey++, sorted.next()._1());
      }
    }
    assertEquals(2000, expectedKey);
    assertTrue(
        sorter.spillCount() >= 4 && sorter.spillCount() <= 20,
        "expected about 2.2 MB / 256 KiB = 9 runs, got " + sorter.spillCount());
  }

  @Test
  void mergesBorrowedSortedSegmentsWithItsOwnRunsAndLeavesTheirFiles() throws IOException {
    long seed = TestSeed.next();
    Random random = new Random(seed);
    SpillTestSupport support =
        leakCheck.track(
            new SpillTestSupport(
                spillDirectory, 32 * 1024, SpillTestSupport.SerializerKind.KRYO, false));
    // Ten spill files of someone else's, three segments each; segment 1 of each is sorted and is
    // the run handed over, segments 0 and 2 (unsorted, "v" + key too) must never be read.
    List<Integer> expected = new ArrayList<>();
    List<Spill> borrowed = new ArrayList<>();
    for (int f = 0; f < 10; f++) {
      SpillWriter writer =
          SpillWriter.records(
              support.fileFactory.create(),
              support.serializerManager,
              support.serializer,
              4096,
              false,
              true);
      List<Integer> sortedKeys = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        sortedKeys.add(random.nextInt(100_000));
      }
      sortedKeys.sort(Comparator.naturalOrder());
      writer.beginSegment();
      writer.write(-1, "not part of the run");
      writer.endSegment();
      writer.beginSegment();
      for (int key : sortedKeys) {
        writer.write(key, "v" + key);
      }
      writer.endSegment();
      writer.beginSegment();
      writer.write(-2, "not part of the run");
      writer.endSegment();
      borrowed.add(writer.finish());
      expected.addAll(sortedKeys);
    }
    // fan-in 4 over ten borrowed runs and the sorter's own spills: intermediate passes merge both
    ExternalSorter<Integer, String> sorter = sorter(support, Comparator.naturalOrder(), 4);
    for (Spill spill : borrowed) {
      sorter.addSortedRun(spill, 1);
    }
    List<Tuple2<Integer, String>> inserted = randomRecords(seed, 20_000, 100_000);
    sorter.insertAll(inserted.iterator());
    inserted.forEach(record -> expected.add(record._1()));
    expected.sort(Comparator.naturalOrder());

    List<Integer> actual = drainKeys(sorter.sortedIterator());
    sorter.close();

    assertEquals(expected, actual, "seed " + seed);
    assertTrue(sorter.spillCount() > 0 && sorter.mergePasses() > 1, "seed " + seed);
    for (Spill spill : borrowed) {
      assertTrue(
          spill.spillFile().file().exists(), "a borrowed run's file is its owner's to delete");
      Files.delete(spill.spillFile().file().toPath());
    }
  }

  @Test
  void acceptsScalaOrderingAndEncryptedSpills() throws IOException {
    long seed = TestSeed.next();
    SpillTestSupport support =
        leakCheck.track(
            new SpillTestSupport(
                spillDirectory, 32 * 1024, SpillTestSupport.SerializerKind.KRYO, true));
    @SuppressWarnings("unchecked")
    Ordering<Integer> descending =
        (Ordering<Integer>) (Ordering<?>) scala.math.Ordering.Int$.MODULE$.reverse();
    List<Tuple2<Integer, String>> records = randomRecords(seed, 20_000, 500);
    ExternalSorter<Integer, String> sorter = sorter(support, descending, 8);

    sorter.insertAll(records.iterator());
    List<Integer> actual = drainKeys(sorter.sortedIterator());

    List<Integer> expected = new ArrayList<>();
    records.forEach(record -> expected.add(record._1()));
    expected.sort(Comparator.reverseOrder());
    assertEquals(expected, actual, "seed " + seed);
    assertTrue(sorter.spillCount() > 0, "seed " + seed);
  }

  @Test
  void emptyInputYieldsNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 1 << 20));
    ExternalSorter<Integer, String> sorter = sorter(support, Comparator.naturalOrder(), 4);
    CloseableIterator<Tuple2<Integer, String>> iterator = sorter.sortedIterator();
    assertFalse(iterator.hasNext());
    assertEquals(0, sorter.mergePasses());
  }

  @Test
  void abandonedIteratorThenCloseLeavesNothing() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 32 * 1024));
    ExternalSorter<Integer, String> sorter = sorter(support, Comparator.naturalOrder(), 4);
    sorter.insertAll(randomRecords(7, 20_000, 100_000).iterator());
    CloseableIterator<Tuple2<Integer, String>> iterator = sorter.sortedIterator();
    for (int i = 0; i < 10; i++) {
      iterator.next();
    }
    assertTrue(support.spillFilesLeft() > 0);
    iterator.close();
    sorter.close();
  }

  @Test
  void failureInsideTheComparatorMidMergeLeavesNothingAfterClose() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 32 * 1024));
    int[] comparisons = {0};
    boolean[] armed = {false};
    Comparator<Integer> failing =
        (left, right) -> {
          if (armed[0] && ++comparisons[0] > 1000) {
            throw new IllegalStateException("injected comparator failure");
          }
          return Integer.compare(left, right);
        };
    ExternalSorter<Integer, String> sorter = sorter(support, failing, 4);
    sorter.insertAll(randomRecords(11, 20_000, 100_000).iterator());
    armed[0] = true;
    assertThrows(IllegalStateException.class, () -> drainKeys(sorter.sortedIterator()));
    sorter.close();
  }

  @Test
  void rejectsTooFewOpenFiles() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SortSettings(2, 1024));
    assertTrue(e.getMessage().contains("got 2"), e.getMessage());
  }

  @Test
  void keyPrefixesFollowTheSetting() throws IOException {
    SpillTestSupport support =
        leakCheck.track(SpillTestSupport.javaSerializer(spillDirectory, 1 << 20));
    SortSettings on = new SortSettings(64, 4096);
    try (ExternalSorter<Integer, String> sorter =
        new ExternalSorter<>(
            Ordering.Int$.MODULE$,
            on,
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            new TempFileTracker<>(support.fileFactory))) {
      assertTrue(sorter.sortsByKeyPrefix());
    }
    try (ExternalSorter<Integer, String> sorter =
        new ExternalSorter<>(
            Ordering.Int$.MODULE$,
            on.withKeyPrefixes(false),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            new TempFileTracker<>(support.fileFactory))) {
      assertFalse(sorter.sortsByKeyPrefix());
    }
  }
}
