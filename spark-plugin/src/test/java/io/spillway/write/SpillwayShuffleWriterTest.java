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
package io.spillway.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spillway.config.MergeStrategyOption;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import io.spillway.write.WriterHarness.BufferKind;
import io.spillway.write.merge.MergePlan;
import io.spillway.write.sort.SerializedRecordStore.RecordLayout;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.storage.TempShuffleBlockId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Option;
import scala.Tuple2;

/**
 * The map side end to end: records in, committed map output out, read back the way a reducer
 * reads it and compared record for record (order within a partition included), over the matrix
 * merge strategy x codec x IO encryption x {0, 1, many spills} on both write paths. Every test
 * ends with no memory held and no file left in the spill directory.
 */
class SpillwayShuffleWriterTest {
  private static final String[] CODECS = {"none", "lz4", "zstd", "snappy", "lzf"};
  private static final int RECORDS = 3000;

  @TempDir File spillDirectory;

  private final List<WriterHarness> harnesses = new ArrayList<>();

  @AfterEach
  void noLeakedMemoryNoLeftoverFiles() {
    for (WriterHarness harness : harnesses) {
      assertEquals(0, harness.taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
    }
    String[] left = spillDirectory.list();
    assertEquals(0, left == null ? 0 : left.length, "files left: " + String.join(", ", left));
  }

  enum Spills {
    NONE,
    ONE,
    MANY
  }

  static Stream<Arguments> serializedMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (RecordLayout layout : RecordLayout.values()) {
      for (MergeStrategyOption strategy :
          List.of(
              MergeStrategyOption.AUTO,
              MergeStrategyOption.TRANSFER_TO,
              MergeStrategyOption.FILE_STREAM,
              MergeStrategyOption.SLOW,
              MergeStrategyOption.COMPRESS)) {
        for (String codec : CODECS) {
          for (boolean encryption : new boolean[] {false, true}) {
            for (Spills spills : Spills.values()) {
              cases.add(Arguments.of(layout, strategy, codec, encryption, spills));
            }
          }
        }
      }
    }
    return cases.stream();
  }

  static Stream<Arguments> objectMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (String codec : CODECS) {
      for (boolean encryption : new boolean[] {false, true}) {
        for (Spills spills : Spills.values()) {
          cases.add(Arguments.of(codec, encryption, spills));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} encryption={3} spills={4}")
  @MethodSource("serializedMatrix")
  void serializedPathRoundTrips(
      RecordLayout layout,
      MergeStrategyOption strategy,
      String codec,
      boolean encryption,
      Spills spills)
      throws Exception {
    roundTrip(BufferKind.SERIALIZED, layout, strategy, codec, encryption, spills, 37, 64);
  }

  @ParameterizedTest(name = "{0} encryption={1} spills={2}")
  @MethodSource("objectMatrix")
  void objectPathRoundTrips(String codec, boolean encryption, Spills spills) throws Exception {
    roundTrip(BufferKind.OBJECT, null, MergeStrategyOption.AUTO, codec, encryption, spills, 37, 64);
  }

  static Stream<Arguments> partitionStreamsMatrix() {
    List<Arguments> cases = new ArrayList<>();
    // a forced strategy changes nothing here: the spills are SERIALIZED, merged by compressing
    for (MergeStrategyOption strategy :
        List.of(MergeStrategyOption.AUTO, MergeStrategyOption.TRANSFER_TO)) {
      for (String codec : CODECS) {
        for (Spills spills : Spills.values()) {
          cases.add(Arguments.of(strategy, codec, spills));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} spills={2}")
  @MethodSource("partitionStreamsMatrix")
  void partitionStreamsRoundTrip(MergeStrategyOption strategy, String codec, Spills spills)
      throws Exception {
    roundTrip(BufferKind.PARTITION_STREAMS, null, strategy, codec, false, spills, 37, 64);
  }

  /**
   * Memory runs short while a record larger than a slab is being serialized: the spill cuts the
   * partition's stream inside the record, and the merged block must still decode. Seeded; the
   * seed is in the test's name.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {44, 45})
  void partitionStreamsSpillInsideRecordsUnderMemoryPressure(long seed) throws Exception {
    SparkConf extra = new SparkConf(false).set("spark.buffer.pageSize", "64k");
    WriterHarness harness =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            BufferKind.PARTITION_STREAMS,
            MergeStrategyOption.AUTO,
            5,
            64,
            extra);
    harnesses.add(harness);
    harness.memoryManager.limit(160 * 1024);
    List<Tuple2<Object, Object>> records = new ArrayList<>(WriterHarness.randomRecords(seed, 5000));
    Random random = new Random(seed);
    for (int i = 0; i < 20; i++) {
      // 20-60 KiB values: each spans slabs (at most 8 KiB here) and several fill the pool
      records.add(
          random.nextInt(records.size()),
          new Tuple2<>(random.nextInt(50), "y".repeat(20_000 + random.nextInt(40_000))));
    }
    harness.writer.write(harness.feed(records, 0, false));
    assertTrue(harness.writer.stop(true).isDefined());
    assertTrue(harness.buffer.spillCount() > 3, "spills: " + harness.buffer.spillCount());
    assertEquals(Spill.SegmentFormat.SERIALIZED, harness.buffer.spillFormat());
    assertTrue(
        harness.taskMetrics.peakExecutionMemory() <= 160 * 1024,
        "peak " + harness.taskMetrics.peakExecutionMemory());
    assertPartitionsEqual(harness, records);
  }

  @Test
  void partitionStreamsAreNotUsedUnderEncryption() {
    WriterHarness encrypted =
        new WriterHarness(
            spillDirectory,
            "lz4",
            true,
            BufferKind.OBJECT,
            MergeStrategyOption.AUTO,
            7,
            64,
            new SparkConf(false));
    harnesses.add(encrypted);
    assertFalse(
        PartitionStreamsMapOutputBuffer.fits(encrypted.task),
        "SERIALIZED spills are not encrypted, so encryption must take the object path");
    WriterHarness plain =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            BufferKind.OBJECT,
            MergeStrategyOption.AUTO,
            7,
            64,
            new SparkConf(false));
    harnesses.add(plain);
    assertTrue(PartitionStreamsMapOutputBuffer.fits(plain.task));
  }

  @Test
  void manySpillsMergeInRoundsWithBoundedOpenFiles() throws Exception {
    // every plan's intermediate rounds: the serialized path under each strategy, with and
    // without encryption, the partition streams and the object path (re-serialized)
    for (MergeStrategyOption strategy : MergeStrategyOption.values()) {
      for (boolean encryption : new boolean[] {false, true}) {
        assertMergedInRounds(
            roundTrip(BufferKind.SERIALIZED, null, strategy, "lz4", encryption, Spills.MANY, 5, 3));
      }
    }
    assertMergedInRounds(
        roundTrip(
            BufferKind.PARTITION_STREAMS,
            null,
            MergeStrategyOption.AUTO,
            "lz4",
            false,
            Spills.MANY,
            5,
            3));
    assertMergedInRounds(
        roundTrip(
            BufferKind.OBJECT, null, MergeStrategyOption.AUTO, "lz4", false, Spills.MANY, 5, 3));
  }

  private static void assertMergedInRounds(WriterHarness harness) {
    assertTrue(harness.buffer.spillCount() >= 10, "spills: " + harness.buffer.spillCount());
    assertTrue(harness.buffer.mergeRounds() >= 2, "rounds: " + harness.buffer.mergeRounds());
    assertTrue(
        harness.buffer.mostSpillFilesOpen() <= 3,
        "open files: " + harness.buffer.mostSpillFilesOpen());
  }

  @ParameterizedTest
  @EnumSource(RecordLayout.class)
  void memoryPressureSpillsWithoutForcing(RecordLayout layout) throws Exception {
    SparkConf extra = new SparkConf(false).set("spark.buffer.pageSize", "64k");
    WriterHarness harness =
        new WriterHarness(
            spillDirectory, "lz4", false, true, layout, MergeStrategyOption.AUTO, 13, 64, extra);
    harnesses.add(harness);
    harness.memoryManager.limit(256 * 1024);
    List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(42, 20_000);
    harness.writer.write(harness.feed(records, 0, false));
    Option<MapStatus> status = harness.writer.stop(true);
    assertTrue(status.isDefined());
    assertTrue(harness.buffer.spillCount() > 3, "spills: " + harness.buffer.spillCount());
    assertTrue(harness.taskMetrics.memoryBytesSpilled() > 0);
    assertTrue(
        harness.taskMetrics.peakExecutionMemory() <= 256 * 1024,
        "peak " + harness.taskMetrics.peakExecutionMemory());
    assertPartitionsEqual(harness, records);
  }

  @Test
  void aTaskThatCannotGetAPageFailsSayingWhatToRaise() throws Exception {
    WriterHarness harness =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            13,
            64,
            new SparkConf(false));
    harnesses.add(harness);
    // less than the first record's slab (32 KiB here): it cannot be stored anywhere, though a
    // page request shrinks to what the pool has
    harness.memoryManager.limit(16 * 1024);
    List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(43, 100);
    io.spillway.memory.NotEnoughExecutionMemoryException failure =
        assertThrows(
            io.spillway.memory.NotEnoughExecutionMemoryException.class,
            () -> harness.writer.write(harness.feed(records, 0, false)));
    String message = failure.getMessage();
    assertTrue(
        message.contains("map " + WriterHarness.MAP_ID)
            && message.contains("spark.executor.memory")
            && message.contains("spark.buffer.pageSize, here 1048576 bytes")
            && message.contains("bytes of memory"),
        message);
    assertTrue(failure.getCause() instanceof org.apache.spark.memory.SparkOutOfMemoryError);
    harness.writer.stop(false);
  }

  @ParameterizedTest
  @EnumSource(RecordLayout.class)
  void recordLargerThanAPageGetsItsOwnPage(RecordLayout layout) throws Exception {
    SparkConf extra = new SparkConf(false).set("spark.buffer.pageSize", "64k");
    WriterHarness harness =
        new WriterHarness(
            spillDirectory, "lz4", false, true, layout, MergeStrategyOption.AUTO, 3, 64, extra);
    harnesses.add(harness);
    List<Tuple2<Object, Object>> records = new ArrayList<>(WriterHarness.randomRecords(5, 100));
    records.add(50, new Tuple2<>(7, "x".repeat(300_000)));
    harness.writer.write(harness.feed(records, 30, false));
    assertTrue(harness.writer.stop(true).isDefined());
    assertPartitionsEqual(harness, records);
  }

  @Test
  void failureMidWriteLeavesNoFilesAndNoMemory() {
    for (BufferKind kind : BufferKind.values()) {
      WriterHarness harness =
          new WriterHarness(
              spillDirectory,
              "lz4",
              false,
              kind,
              MergeStrategyOption.AUTO,
              7,
              64,
              new SparkConf(false));
      harnesses.add(harness);
      List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(9, 1000);
      scala.collection.Iterator<scala.Product2<Object, Object>> fed =
          harness.feed(records, 100, false);
      scala.collection.Iterator<scala.Product2<Object, Object>> failing =
          new scala.collection.AbstractIterator<>() {
            private int served;

            @Override
            public boolean hasNext() {
              return true;
            }

            @Override
            public scala.Product2<Object, Object> next() {
              if (++served > 700) {
                throw new IllegalStateException("upstream failed at record 700");
              }
              return fed.next();
            }
          };
      assertThrows(IllegalStateException.class, () -> harness.writer.write(failing));
      assertTrue(harness.buffer.spillCount() > 0);
      assertFalse(harness.writer.stop(false).isDefined());
      assertTrue(harness.output.committed.isEmpty());
    }
  }

  @Test
  void stopTrueWithoutWriteIsAProtocolError() {
    WriterHarness harness =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            2,
            64,
            new SparkConf(false));
    harnesses.add(harness);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> harness.writer.stop(true));
    assertTrue(e.getMessage().contains("without having called write()"));
  }

  @Test
  void autoStrategyFollowsSparksConditions() {
    WriterHarness plain =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            2,
            64,
            new SparkConf(false));
    harnesses.add(plain);
    assertEquals(
        MergeStrategyOption.TRANSFER_TO,
        MergePlan.sparksConditions(plain.settings, false).strategy());
    assertEquals(
        MergeStrategyOption.FILE_STREAM,
        MergePlan.sparksConditions(plain.settings, true).strategy());
    WriterHarness noTransferTo =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            2,
            64,
            new SparkConf(false).set("spark.file.transferTo", "false"));
    harnesses.add(noTransferTo);
    assertEquals(
        MergeStrategyOption.FILE_STREAM,
        MergePlan.sparksConditions(noTransferTo.settings, false).strategy());
    WriterHarness noFastMerge =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            2,
            64,
            new SparkConf(false).set("spark.shuffle.unsafe.fastMergeEnabled", "false"));
    harnesses.add(noFastMerge);
    assertEquals(
        MergeStrategyOption.SLOW,
        MergePlan.sparksConditions(noFastMerge.settings, false).strategy());
  }

  /**
   * A disk that fills up while spilling: from the third spill on, the spill "file" is a symlink
   * to Linux's {@code /dev/full}, where every write fails with ENOSPC. The error must say so and
   * name the spill file; no memory and no file (the symlinks included) may remain.
   */
  @Test
  void fullDiskWhileSpillingNamesTheSpillFileAndLeavesNothing() {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs Linux's /dev/full");
    for (BufferKind kind : BufferKind.values()) {
      AtomicInteger spillsCreated = new AtomicInteger();
      SpillFileSource healthy = SpillFileSource.directory(spillDirectory);
      SpillFileSource fillsUp =
          () -> {
            if (spillsCreated.incrementAndGet() < 3) {
              return healthy.create();
            }
            TempShuffleBlockId blockId = new TempShuffleBlockId(UUID.randomUUID());
            File link = new File(spillDirectory, blockId.name());
            Files.createSymbolicLink(link.toPath(), devFull);
            return new SpillFile(blockId, link);
          };
      WriterHarness harness =
          new WriterHarness(
              fillsUp,
              "lz4",
              false,
              kind,
              MergeStrategyOption.AUTO,
              7,
              64,
              new SparkConf(false)
                  .set("spark.shuffle.spill.numElementsForceSpillThreshold", "100"));
      harnesses.add(harness);
      List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(5, 1000);

      IOException e =
          assertThrows(
              IOException.class, () -> harness.writer.write(harness.feed(records, 0, false)));
      assertTrue(
          e.getMessage().contains("No space left on device")
              && e.getMessage()
                  .contains(spillDirectory.getPath() + File.separator + "temp_shuffle_"),
          () -> "the error must say the disk is full and name the spill file: " + e);
      assertEquals(2, harness.buffer.spillCount(), "spills written before the disk filled up");
      assertFalse(harness.writer.stop(false).isDefined());
      assertTrue(harness.output.committed.isEmpty());
    }
  }

  /** A disk that fills up while the map output is written, with and without spills to merge. */
  @Test
  void fullDiskWhileWritingTheMapOutputNamesItAndAbortsIt() throws Exception {
    for (BufferKind kind : BufferKind.values()) {
      for (int spillEvery : new int[] {0, 100}) {
        WriterHarness harness =
            new WriterHarness(
                spillDirectory,
                "lz4",
                false,
                kind,
                MergeStrategyOption.AUTO,
                7,
                64,
                new SparkConf(false));
        harnesses.add(harness);
        harness.output.failWritesWith = "No space left on device";
        List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(6, 1000);

        IOException e =
            assertThrows(
                IOException.class,
                () -> harness.writer.write(harness.feed(records, spillEvery, false)));
        assertTrue(
            e.getMessage().contains("No space left on device")
                && e.getMessage()
                    .contains(
                        "the map output of map "
                            + WriterHarness.MAP_ID
                            + " of shuffle "
                            + WriterHarness.SHUFFLE_ID),
            () -> "the error must say the disk is full and name the map output: " + e);
        assertEquals(1, harness.output.aborted, "the map output must be aborted");
        assertFalse(harness.writer.stop(false).isDefined());
        assertTrue(harness.output.committed.isEmpty());
      }
    }
  }

  /** The shuffle IO API: a map output whose commit fails is aborted before the error goes on. */
  @Test
  void failedCommitIsAborted() {
    WriterHarness harness =
        new WriterHarness(
            spillDirectory,
            "lz4",
            false,
            true,
            MergeStrategyOption.AUTO,
            7,
            64,
            new SparkConf(false));
    harnesses.add(harness);
    harness.output.failCommitWith = "No space left on device";
    List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(7, 1000);

    IOException e =
        assertThrows(
            IOException.class, () -> harness.writer.write(harness.feed(records, 100, false)));
    assertTrue(
        e.getMessage().contains("the map output of map " + WriterHarness.MAP_ID), e::toString);
    assertEquals(1, harness.output.aborted, "the failed commit must be aborted");
    assertFalse(harness.writer.stop(false).isDefined());
  }

  private WriterHarness roundTrip(
      BufferKind kind,
      RecordLayout layout,
      MergeStrategyOption strategy,
      String codec,
      boolean encryption,
      Spills spills,
      int numPartitions,
      int maxOpenFiles)
      throws Exception {
    WriterHarness harness =
        kind == BufferKind.SERIALIZED
            ? new WriterHarness(
                spillDirectory,
                codec,
                encryption,
                true,
                layout,
                strategy,
                numPartitions,
                maxOpenFiles,
                new SparkConf(false))
            : new WriterHarness(
                spillDirectory,
                codec,
                encryption,
                kind,
                strategy,
                numPartitions,
                maxOpenFiles,
                new SparkConf(false));
    harnesses.add(harness);
    long seed = 1_000L * numPartitions + spills.ordinal() + 7L * kind.ordinal();
    List<Tuple2<Object, Object>> records = WriterHarness.randomRecords(seed, RECORDS);
    int spillEvery = spills == Spills.MANY ? RECORDS / 12 : 0;
    harness.writer.write(harness.feed(records, spillEvery, spills == Spills.ONE));
    MapStatus status = harness.writer.stop(true).get();

    int expectedSpills =
        switch (spills) {
          case NONE -> 0;
          case ONE -> 1;
          case MANY -> 12;
        };
    assertEquals(expectedSpills, harness.buffer.spillCount(), "spill count");
    // Small segments (3000 records over 37 partitions) are spilled uncompressed where allowed:
    // the serialized path, strategy auto (or compress forced), compression on, no encryption;
    // pieces of partition streams always are
    boolean serializedSpills =
        kind == BufferKind.PARTITION_STREAMS
            || kind == BufferKind.SERIALIZED
                && (strategy == MergeStrategyOption.AUTO
                    || strategy == MergeStrategyOption.COMPRESS)
                && !codec.equals("none")
                && !encryption;
    if (spills != Spills.NONE) {
      assertEquals(
          serializedSpills ? Spill.SegmentFormat.SERIALIZED : Spill.SegmentFormat.WRAPPED,
          harness.buffer.spillFormat(),
          "spill format");
    }
    if (spills == Spills.MANY) {
      // the plan's name, in the configuration's words, is what the log and the metric say
      String merged = harness.buffer.mergeStrategyName();
      assertEquals(
          serializedSpills, merged.equals(MergeStrategyOption.COMPRESS.configValue()), merged);
      if (kind == BufferKind.OBJECT) {
        assertEquals("slow (re-serialized)", merged);
      }
    }
    InMemoryShuffleOutput.MapOutput committed = harness.output.committed.get(WriterHarness.MAP_ID);
    assertEquals(
        spills == Spills.ONE && !serializedSpills,
        committed.movedFromSpill,
        "a single spill is moved unless it still needs compressing");
    assertPartitionsEqual(harness, records);

    long totalBytes = 0;
    for (int p = 0; p < numPartitions; p++) {
      long length = committed.partitions[p].length;
      totalBytes += length;
      assertEquals(length, harness.writer.getPartitionLengths()[p], "length of partition " + p);
      assertTrue(length == 0 || status.getSizeForBlock(p) > 0, "non-empty block has a size");
    }
    assertEquals(totalBytes, harness.writeMetrics.bytesWritten());
    assertEquals(RECORDS, harness.writeMetrics.recordsWritten());

    long[] expectedChecksums = new long[numPartitions];
    for (int p = 0; p < numPartitions; p++) {
      expectedChecksums[p] = harness.storedChecksum(p);
    }
    assertArrayEquals(
        expectedChecksums, committed.checksums, "checksums must describe the bytes as stored");
    return harness;
  }

  private static void assertPartitionsEqual(
      WriterHarness harness, List<Tuple2<Object, Object>> records) {
    List<List<Tuple2<Object, Object>>> expected = harness.expectedPartitions(records);
    for (int p = 0; p < harness.numPartitions; p++) {
      assertEquals(expected.get(p), harness.readPartition(p), "partition " + p);
    }
  }
}
