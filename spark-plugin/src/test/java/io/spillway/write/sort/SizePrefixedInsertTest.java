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
package io.spillway.write.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.write.sort.SerializedRecordStore.RecordLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SerializedRecordStore#insertSizePrefixed} against an oracle, in both layouts: each
 * partition's output, concatenated over the spills, must be the 4-byte big-endian size and the
 * bytes of every record inserted so, interleaved with records inserted whole, in order. Records
 * are read from unaligned offsets, straddle slab boundaries, exceed a slab or a page, and spills
 * happen while room is made. Seeds are printed; {@code -Dspillway.test.seed=N} replays one.
 */
class SizePrefixedInsertTest {
  private static final long PAGE = 64 * 1024;
  private static final int PARTITIONS = 7;

  private final TestMemoryManager memoryManager =
      new TestMemoryManager(new SparkConf(false).set("spark.memory.offHeap.enabled", "false"));
  private final TaskMemoryManager taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
  private final TaskMemoryConsumer memory = TaskMemoryConsumer.tungsten(taskMemoryManager);

  @AfterEach
  void noLeakedMemory() {
    assertEquals(0, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
  }

  @ParameterizedTest
  @EnumSource(RecordLayout.class)
  void storesTheSizeAndTheBytesAsOneRecord(RecordLayout layout) throws IOException {
    long seed = Long.getLong("spillway.test.seed", System.nanoTime());
    System.out.println("SizePrefixedInsertTest seed " + seed + " layout " + layout);
    SplittableRandom random = new SplittableRandom(seed);
    memoryManager.limit(4 * PAGE);
    SerializedRecordStore store =
        layout == RecordLayout.PARTITION_SLABS
            ? new PartitionSlabs(memory, PAGE, PARTITIONS, 8192)
            : new PageSorter(memory, PAGE, PARTITIONS, 64, 8192);
    List<ByteArrayOutputStream[]> runs = new ArrayList<>();
    memory.setSpillHandler(
        (requested, byItself) -> {
          assertFalse(store.isInsertInProgress(), "spill in the middle of a record");
          runs.add(writeOut(store));
          return store.reset();
        });
    ByteArrayOutputStream[] expected = streams();
    long expectedBytes = 0;
    byte[] source = new byte[3 * (int) PAGE];
    random.nextBytes(source);
    for (int i = 0; i < 6_000; i++) {
      int size =
          switch (random.nextInt(40)) {
            case 0 -> 4096 + random.nextInt(40_000);
            case 1 -> (int) PAGE + random.nextInt(8192);
            case 2 -> 0;
            default -> 8 * random.nextInt(1, 40) + (random.nextInt(4) == 0 ? random.nextInt(8) : 0);
          };
      int from = random.nextInt(source.length - size + 1);
      int partition = random.nextInt(PARTITIONS);
      byte[] framed = frame(source, from, size);
      if (random.nextInt(4) == 0) {
        store.insertRecord(framed, Platform.BYTE_ARRAY_OFFSET, framed.length, partition);
      } else {
        store.insertSizePrefixed(source, Platform.BYTE_ARRAY_OFFSET + from, size, partition);
      }
      assertFalse(store.isInsertInProgress());
      expected[partition].writeBytes(framed);
      expectedBytes += framed.length;
    }
    runs.add(writeOut(store));
    store.reset();
    assertTrue(runs.size() > 2, "spills: " + (runs.size() - 1));
    long writtenBytes = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (ByteArrayOutputStream[] run : runs) {
        all.writeBytes(run[p].toByteArray());
      }
      writtenBytes += all.size();
      assertArrayEquals(
          expected[p].toByteArray(), all.toByteArray(), "partition " + p + ", seed " + seed);
    }
    assertEquals(expectedBytes, writtenBytes);
  }

  @Test
  void shortAndLongCopiesMoveExactlyTheirBytes() {
    long seed = Long.getLong("spillway.test.seed", System.nanoTime());
    System.out.println("SizePrefixedInsertTest copies seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    byte[] source = new byte[1024];
    random.nextBytes(source);
    for (int length = 0; length <= 2 * RecordCopy.SHORT_COPY_BYTES + 9; length++) {
      int from = random.nextInt(16);
      int to = random.nextInt(16);
      byte[] target = new byte[length + 32];
      RecordCopy.copy(
          source,
          Platform.BYTE_ARRAY_OFFSET + from,
          target,
          Platform.BYTE_ARRAY_OFFSET + to,
          length);
      byte[] expected = new byte[length + 32];
      System.arraycopy(source, from, expected, to, length);
      assertArrayEquals(expected, target, "length " + length + ", seed " + seed);
    }
    byte[] prefix = new byte[5];
    RecordCopy.putBigEndianInt(prefix, Platform.BYTE_ARRAY_OFFSET + 1, 0x01020304);
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, prefix);
  }

  private static byte[] frame(byte[] source, int from, int size) {
    byte[] framed = new byte[4 + size];
    framed[0] = (byte) (size >>> 24);
    framed[1] = (byte) (size >>> 16);
    framed[2] = (byte) (size >>> 8);
    framed[3] = (byte) size;
    System.arraycopy(source, from, framed, 4, size);
    return framed;
  }

  private static ByteArrayOutputStream[] streams() {
    ByteArrayOutputStream[] streams = new ByteArrayOutputStream[PARTITIONS];
    Arrays.setAll(streams, p -> new ByteArrayOutputStream());
    return streams;
  }

  private static ByteArrayOutputStream[] writeOut(SerializedRecordStore store) throws IOException {
    ByteArrayOutputStream[] run = streams();
    store.writeInPartitionOrder(p -> run[p]);
    return run;
  }
}
