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
package io.spillway.spill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spillway.sort.SpillTestSupport;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.storage.TempShuffleBlockId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SpillWriter} in both modes and {@link SpillReader} in records mode: records come back
 * segment by segment, empty segments cost nothing, appended writes index only their own
 * segments; and on a full disk the error names the file, also when the serializer wraps it (Kryo
 * throws a KryoException).
 */
class SpillWriterTest {

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(SpillTestSupport.SerializerKind.class)
  void aFullDiskIsReportedWithTheSpillFile(SpillTestSupport.SerializerKind kind) throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs Linux's /dev/full");
    SpillTestSupport support = new SpillTestSupport(directory, 1L << 20, kind, false);
    TempLocalBlockId blockId = new TempLocalBlockId(UUID.randomUUID());
    File link = Files.createSymbolicLink(directory.resolve(blockId.name()), devFull).toFile();
    SpillWriter writer =
        SpillWriter.records(
            new SpillFile(blockId, link),
            support.serializerManager,
            support.serializer,
            4096,
            false,
            true);
    try {
      writer.beginSegment();
      for (int i = 0; i < 100_000; i++) {
        writer.write(i, "value " + i);
      }
      writer.endSegment();
      writer.finish();
      fail("writing 100000 records to /dev/full must fail");
    } catch (Exception e) {
      writer.abort(e);
      List<String> messages = new ArrayList<>();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.add(t.getClass().getSimpleName() + ": " + t.getMessage());
      }
      String expected = "Cannot write " + link.getPath() + ": No space left on device";
      assertTrue(
          messages.stream().anyMatch(m -> m.contains(expected)),
          () -> "the failure must name the file: " + messages);
    } finally {
      Files.delete(link.toPath()); // the link, never /dev/full
    }
  }

  @ParameterizedTest
  @EnumSource(SpillTestSupport.SerializerKind.class)
  void recordsComeBackSegmentBySegmentAndEmptySegmentsCostNothing(
      SpillTestSupport.SerializerKind kind) throws Exception {
    SpillTestSupport support = new SpillTestSupport(directory, 1L << 20, kind, true);
    SpillFile file = support.fileFactory.create();
    // segments 0 and 2 have records, 1 and 3 are empty
    int[] recordsPerSegment = {3, 0, 1000, 0};
    SpillWriter writer =
        SpillWriter.records(file, support.serializerManager, support.serializer, 4096, false, true);
    for (int records : recordsPerSegment) {
      writer.beginSegment();
      for (int i = 0; i < records; i++) {
        writer.write(i, "value " + i);
      }
      writer.endSegment();
    }
    Spill spill = writer.finish();
    assertEquals(1003, spill.records());
    assertEquals(2, spill.segments().segmentCount(), "only non-empty segments are indexed");
    assertEquals(file.file().length(), spill.totalBytes());
    for (int segment = 0; segment < recordsPerSegment.length; segment++) {
      assertEquals(recordsPerSegment[segment], spill.recordCount(segment));
      try (SpillReader reader =
          spill.openSegment(segment, support.serializerManager, support.serializer, 64)) {
        for (int i = 0; i < recordsPerSegment[segment]; i++) {
          assertEquals(true, reader.advance());
          assertEquals(i, reader.key());
          assertEquals("value " + i, reader.value());
        }
        assertFalse(reader.advance(), "segment " + segment + " ends after its records");
      }
    }
    Files.delete(file.file().toPath());
    support.assertNoLeaks();
  }

  @Test
  void anAppendedWriteIndexesOnlyItsOwnSegments() throws Exception {
    SpillTestSupport support = SpillTestSupport.javaSerializer(directory, 1L << 20);
    SpillFile file = support.fileFactory.create();
    List<Spill> writes = new ArrayList<>();
    for (int write = 0; write < 3; write++) {
      SpillWriter writer =
          SpillWriter.records(
              file, support.serializerManager, support.serializer, 512, write > 0, false);
      writer.beginSegment();
      for (int i = 0; i < 10 * (write + 1); i++) {
        writer.write("w" + write + "v" + i);
      }
      writer.endSegment();
      writes.add(writer.finish());
    }
    long offset = 0;
    for (int write = 0; write < 3; write++) {
      Spill spill = writes.get(write);
      assertEquals(offset, spill.segments().cursor().offset(), "write " + write + " start");
      offset += spill.totalBytes();
      List<Object> values = new ArrayList<>();
      try (SpillReader reader = spill.openAll(support.serializerManager, support.serializer, 100)) {
        while (reader.advance()) {
          values.add(reader.key());
        }
      }
      assertEquals(10 * (write + 1), values.size());
      assertEquals("w" + write + "v0", values.get(0));
    }
    assertEquals(file.file().length(), offset);
    Files.delete(file.file().toPath());
    support.assertNoLeaks();
  }

  @Test
  void bytesModeIndexesThePartitionsWritten() throws Exception {
    SpillTestSupport support = SpillTestSupport.javaSerializer(directory, 1L << 20);
    TempShuffleBlockId blockId = new TempShuffleBlockId(UUID.randomUUID());
    SpillFile file = new SpillFile(blockId, directory.resolve(blockId.name()).toFile());
    SpillWriter writer =
        SpillWriter.bytes(
            file,
            6,
            support.serializerManager,
            Spill.SegmentFormat.SERIALIZED,
            new java.util.zip.Checksum[0],
            1024);
    byte[][] partitions = {null, {1, 2, 3}, null, {}, {4}, null};
    for (int p = 0; p < partitions.length; p++) {
      if (partitions[p] != null) {
        try (OutputStream out = writer.openPartition(p)) {
          out.write(partitions[p]);
        }
      }
    }
    Spill spill = writer.finish(7);
    assertEquals(7, spill.records());
    assertArrayEquals(new long[] {0, 3, 0, 0, 1, 0}, spill.partitionLengths());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(file.file().toPath()));
    Files.delete(file.file().toPath());
  }
}
