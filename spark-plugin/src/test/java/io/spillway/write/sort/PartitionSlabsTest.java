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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.memory.TaskMemoryConsumer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PartitionSlabs} against an oracle: every partition's output must be the concatenation of
 * the bytes inserted into it, in order, whatever the slab boundaries, spills and page sizes.
 * Seeds are printed; {@code -Dspillway.test.seed=N} replays one.
 */
class PartitionSlabsTest {
  private static final long PAGE = 64 * 1024;

  private final TestMemoryManager memoryManager =
      new TestMemoryManager(new SparkConf(false).set("spark.memory.offHeap.enabled", "false"));
  private final TaskMemoryManager taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
  private final TaskMemoryConsumer memory = TaskMemoryConsumer.tungsten(taskMemoryManager);

  @AfterEach
  void noLeakedMemory() {
    assertEquals(0, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
  }

  @Test
  void slabSizeFollowsPartitionsAndPageSize() {
    assertEquals(32 * 1024, PartitionSlabs.slabBytesFor(4L << 20, 100));
    assertEquals(16 * 1024, PartitionSlabs.slabBytesFor(4L << 20, 200));
    assertEquals(4 * 1024, PartitionSlabs.slabBytesFor(4L << 20, 1024));
    assertEquals(1024, PartitionSlabs.slabBytesFor(4L << 20, 4096));
    assertEquals(0, PartitionSlabs.slabBytesFor(4L << 20, 4097));
    assertEquals(0, PartitionSlabs.slabBytesFor(1L << 20, 20_000));
    assertEquals(PartitionSlabs.MIN_SLAB_BYTES, PartitionSlabs.slabBytesFor(PAGE, 64));
    // Spark's page for 2 cores and a 1 GiB unified memory pool: 20,000 partitions take slabs
    assertEquals(1024, PartitionSlabs.slabBytesFor(32L << 20, 20_000));
    assertEquals(
        SerializedRecordStore.RecordLayout.PARTITION_SLABS,
        SerializedRecordStore.RecordLayout.choose(32L << 20, 20_000));
    assertEquals(
        SerializedRecordStore.RecordLayout.SORTED_POINTERS,
        SerializedRecordStore.RecordLayout.choose(1L << 20, 20_000));
    assertEquals(
        SerializedRecordStore.RecordLayout.PARTITION_SLABS,
        SerializedRecordStore.RecordLayout.choose(4L << 20, 200));
    assertThrows(
        IllegalArgumentException.class, () -> new PartitionSlabs(memory, 1L << 20, 20_000, 4096));
  }

  @ParameterizedTest
  // 64 partitions of a 64 KiB page: the smallest slabs (PartitionSlabs.MIN_SLAB_BYTES)
  @ValueSource(ints = {1, 3, 13, 64})
  void outputIsEachPartitionsBytesInOrder(int numPartitions) throws IOException {
    long seed = Long.getLong("spillway.test.seed", System.nanoTime());
    System.out.println("PartitionSlabsTest seed " + seed + " partitions " + numPartitions);
    SplittableRandom random = new SplittableRandom(seed);
    PartitionSlabs slabs = new PartitionSlabs(memory, PAGE, numPartitions, 8192);
    Oracle oracle = new Oracle(numPartitions);
    int slab = slabs.slabBytes();
    for (int i = 0; i < 5_000; i++) {
      // mostly small records, some spanning several slabs, some larger than a page
      int length =
          switch (random.nextInt(20)) {
            case 0 -> slab + random.nextInt(3 * slab);
            case 1 -> random.nextInt(10) == 0 ? (int) PAGE + random.nextInt(slab) : slab - 1;
            default -> 1 + random.nextInt(200);
          };
      byte[] record = new byte[length];
      random.nextBytes(record);
      int partition = random.nextInt(numPartitions);
      slabs.insertRecord(record, Platform.BYTE_ARRAY_OFFSET, length, partition);
      oracle.add(partition, record);
      assertFalse(slabs.isInsertInProgress());
    }
    assertEquals(5_000, slabs.numRecords());
    assertEquals(oracle.totalBytes, slabs.dataBytes());
    assertTrue(slabs.memoryBytes() >= slabs.dataBytes());
    assertEquals(taskMemoryManager.getMemoryConsumptionForThisTask(), slabs.memoryBytes());
    oracle.assertWritten(slabs, "seed " + seed);
    long freed = slabs.reset();
    assertTrue(freed > 0);
    assertEquals(0, taskMemoryManager.getMemoryConsumptionForThisTask());
    assertEquals(0, slabs.numRecords());
  }

  @Test
  void aSpillWhileMakingRoomStartsTheRecordInAnEmptyStore() throws IOException {
    // The owner spills (writes out and resets) whenever the memory manager asks: here, whenever
    // a page would pass the limit. Every byte must come out exactly once, across the spills.
    memoryManager.limit(3 * PAGE);
    PartitionSlabs slabs = new PartitionSlabs(memory, PAGE, 5, 8192);
    Oracle spilled = new Oracle(5);
    List<Oracle> runs = new ArrayList<>();
    memory.setSpillHandler(
        (requested, byItself) -> {
          assertTrue(byItself);
          assertFalse(slabs.isInsertInProgress(), "spill in the middle of a record");
          Oracle run = new Oracle(5);
          slabs.writeInPartitionOrder(partition -> run.streamFor(partition));
          runs.add(run);
          return slabs.reset();
        });
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 4_000; i++) {
      byte[] record = new byte[1 + random.nextInt(600)];
      random.nextBytes(record);
      int partition = random.nextInt(5);
      slabs.insertRecord(record, Platform.BYTE_ARRAY_OFFSET, record.length, partition);
      spilled.add(partition, record);
    }
    Oracle last = new Oracle(5);
    slabs.writeInPartitionOrder(last::streamFor);
    runs.add(last);
    slabs.reset();
    assertTrue(runs.size() > 3, "spills: " + (runs.size() - 1));
    for (int p = 0; p < 5; p++) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (Oracle run : runs) {
        all.write(run.written(p));
      }
      assertArrayEquals(spilled.expected(p), all.toByteArray(), "partition " + p);
    }
  }

  /** The bytes each partition must hold, and what a store wrote for it. */
  private static final class Oracle {
    private final ByteArrayOutputStream[] expected;
    private final ByteArrayOutputStream[] written;
    private final boolean[] opened;
    long totalBytes;

    Oracle(int numPartitions) {
      expected = new ByteArrayOutputStream[numPartitions];
      written = new ByteArrayOutputStream[numPartitions];
      opened = new boolean[numPartitions];
      for (int p = 0; p < numPartitions; p++) {
        expected[p] = new ByteArrayOutputStream();
        written[p] = new ByteArrayOutputStream();
      }
    }

    void add(int partition, byte[] record) {
      expected[partition].writeBytes(record);
      totalBytes += record.length;
    }

    ByteArrayOutputStream streamFor(int partition) {
      assertFalse(opened[partition], "partition " + partition + " opened twice");
      for (int p = partition + 1; p < opened.length; p++) {
        assertFalse(opened[p], "partition " + partition + " opened after " + p);
      }
      opened[partition] = true;
      return written[partition];
    }

    byte[] expected(int partition) {
      return expected[partition].toByteArray();
    }

    byte[] written(int partition) {
      return written[partition].toByteArray();
    }

    void assertWritten(PartitionSlabs slabs, String context) throws IOException {
      slabs.writeInPartitionOrder(this::streamFor);
      for (int p = 0; p < expected.length; p++) {
        assertEquals(expected[p].size() > 0, opened[p], "partition " + p + " opened, " + context);
        assertArrayEquals(expected(p), written(p), "partition " + p + ", " + context);
      }
    }
  }
}
