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

import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.spill.PartitionSink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.memory.MemoryBlock;

/**
 * Serialized records appended, as they arrive, to a chain of fixed-size slabs per partition.
 *
 * <pre>
 *   page (from the task's memory manager)
 *   +----------+----------+----------+----------+----------+--
 *   | slab 0   | slab 1   | slab 2   | slab 3   | slab 4   |      every slab: slabBytes,
 *   | part. 7  | part. 3  | part. 7  | part. 0  | part. 3  |      one partition's bytes
 *   +----------+----------+----------+----------+----------+--
 *
 *   partition 7's bytes = slab 0 ++ slab 2 ++ ...   (slabs in the order they were taken)
 *   every slab of a partition is full except its last, the partition's tail
 * </pre>
 *
 * A record is nothing but its serialized bytes: the serialized path's serializers are
 * relocatable, so a partition's stream is the concatenation of its records and a record may
 * span slabs. Against {@link PageSorter} this saves, per record, the length prefix, the 8-byte
 * pointer (16 with the radix sort's scratch half), the sort, and the copy of each record on its
 * own from a random place in memory when writing out: here a partition is written with one bulk
 * copy per slab, and the records being appended touch only the partitions' tails.
 *
 * <p>Which slab holds what is kept in small on-heap arrays (a page index, an offset and a
 * partition per slab; a tail slab and its fill per partition): a few bytes per slab of 1 to 32
 * KiB. Making room for a record happens before any of its bytes are copied, and may spill the
 * owner (which calls {@link #reset}); a record then starts in an empty store.
 */
public final class PartitionSlabs implements SerializedRecordStore {
  /**
   * Smallest slab: below it, writing out is a copy per few records again. Why as small as 1 KiB:
   * with 20,000 partitions and the 32 MiB pages Spark picks for 2 cores and a 1 GiB unified
   * memory pool, slabs of 1 KiB (20 MiB of tails at most) beat the pointer sort, whose write-out
   * gathers every record from a random place in hundreds of MiB of pages: {@code
   * sql-repartition-20000-large} took 5.40 s against 6.26 s, Spillway's shuffle write time 2.78 s
   * against 6.27 s ({@code docs/benchmarks/history/slabs-at-20000-partitions.md}).
   */
  static final int MIN_SLAB_BYTES = 1024;

  /** Largest slab: bigger ones only waste more of the tails. */
  static final int MAX_SLAB_BYTES = 32 * 1024;

  private static final int SIZE_PREFIX_BYTES = 4;

  private final TaskMemoryConsumer memory;
  private final long pageSizeBytes;
  private final int slabBytes;
  private final int numPartitions;
  private final byte[] copyBuffer;

  /** The prefix of a size-prefixed record that does not fit its partition's tail slab. */
  private final byte[] sizePrefix = new byte[SIZE_PREFIX_BYTES];

  private final List<MemoryBlock> pages = new ArrayList<>();
  private long pageBytes;

  /** Page slabs are taken from, its next free slab's offset and the end of its last slab. */
  private int carvePage = -1;

  private long carveOffset;
  private long carveEnd;

  /** Slabs not yet taken, in the carve page and the pages after it. */
  private long freeSlabs;

  private int numSlabs;
  private int[] slabPage = new int[64];
  private long[] slabOffset = new long[64];
  private int[] slabPartition = new int[64];

  private final int[] tailSlab;
  private final int[] tailFill;
  private final Object[] tailBase;

  private int numRecords;
  private long dataBytes;
  private boolean insertInProgress;

  /**
   * Bytes per slab for {@code numPartitions} partitions and pages of {@code pageSizeBytes}: the
   * largest power of two up to {@link #MAX_SLAB_BYTES} such that every partition's slab fits in
   * one page; 0 when that is below {@link #MIN_SLAB_BYTES} (slabs do not suit this shuffle).
   */
  public static int slabBytesFor(long pageSizeBytes, int numPartitions) {
    long perPartition = pageSizeBytes / Math.max(1, numPartitions);
    if (perPartition < MIN_SLAB_BYTES) {
      return 0;
    }
    return (int) Math.min(MAX_SLAB_BYTES, Long.highestOneBit(perPartition));
  }

  /**
   * @param memory the consumer pages are allocated through
   * @param pageSizeBytes the size of the pages asked for (larger for a record that needs more)
   * @param numPartitions partitions of the shuffle
   * @param copyBufferSizeBytes staging buffer for copying slabs out of pages into streams (at
   *     most {@link SerializedRecordStore#MAX_COPY_BUFFER_BYTES} of it is allocated)
   */
  public PartitionSlabs(
      TaskMemoryConsumer memory, long pageSizeBytes, int numPartitions, int copyBufferSizeBytes) {
    int slab = slabBytesFor(pageSizeBytes, numPartitions);
    if (slab == 0) {
      throw new IllegalArgumentException(
          numPartitions
              + " partitions do not fit pages of "
              + pageSizeBytes
              + " bytes with a slab of at least "
              + MIN_SLAB_BYTES
              + " bytes each");
    }
    this.memory = memory;
    this.pageSizeBytes = pageSizeBytes;
    this.slabBytes = slab;
    this.numPartitions = numPartitions;
    this.copyBuffer =
        new byte[Math.max(slab, SerializedRecordStore.copyBufferBytes(copyBufferSizeBytes))];
    this.tailSlab = new int[numPartitions];
    this.tailFill = new int[numPartitions];
    this.tailBase = new Object[numPartitions];
    Arrays.fill(tailSlab, -1);
  }

  int slabBytes() {
    return slabBytes;
  }

  @Override
  public void insertRecord(Object base, long offset, int length, int partitionId) {
    checkPartition(partitionId);
    makeRoom(partitionId, length);
    insertInProgress = true;
    try {
      append(base, offset, length, partitionId);
      numRecords++;
      dataBytes += length;
    } finally {
      insertInProgress = false;
    }
  }

  /**
   * Stores the prefix and the bytes straight into the partition's tail slab when both fit there
   * (all but about one record in {@code slabBytes / length}); otherwise like {@link
   * #insertRecord}, the prefix and the bytes appended one after the other.
   */
  @Override
  public void insertSizePrefixed(Object base, long offset, int size, int partitionId) {
    checkPartition(partitionId);
    int length = SIZE_PREFIX_BYTES + size;
    int slab = tailSlab[partitionId];
    int fill = tailFill[partitionId];
    boolean fitsTail = slab >= 0 && slabBytes - fill >= length;
    if (!fitsTail) {
      makeRoom(partitionId, length);
    }
    insertInProgress = true;
    try {
      if (fitsTail) {
        Object slabBase = tailBase[partitionId];
        long at = slabOffset[slab] + fill;
        RecordCopy.putBigEndianInt(slabBase, at, size);
        RecordCopy.copy(base, offset, slabBase, at + SIZE_PREFIX_BYTES, size);
        tailFill[partitionId] = fill + length;
      } else {
        RecordCopy.putBigEndianInt(sizePrefix, Platform.BYTE_ARRAY_OFFSET, size);
        append(sizePrefix, Platform.BYTE_ARRAY_OFFSET, SIZE_PREFIX_BYTES, partitionId);
        append(base, offset, size, partitionId);
      }
      numRecords++;
      dataBytes += length;
    } finally {
      insertInProgress = false;
    }
  }

  private void checkPartition(int partitionId) {
    if (partitionId < 0 || partitionId >= numPartitions) {
      throw new IllegalArgumentException(
          "Partition id " + partitionId + " is outside [0, " + numPartitions + ")");
    }
  }

  /** Appends bytes to the partition's slabs; {@link #makeRoom} made sure they fit. */
  private void append(Object base, long offset, int length, int partitionId) {
    long from = offset;
    int left = length;
    while (left > 0) {
      int fill = tailFill[partitionId];
      if (tailSlab[partitionId] < 0 || fill == slabBytes) {
        takeSlab(partitionId);
        fill = 0;
      }
      int chunk = Math.min(left, slabBytes - fill);
      RecordCopy.copy(
          base, from, tailBase[partitionId], slabOffset[tailSlab[partitionId]] + fill, chunk);
      tailFill[partitionId] = fill + chunk;
      from += chunk;
      left -= chunk;
    }
  }

  @Override
  public void writeInPartitionOrder(PartitionSink sink) throws IOException {
    if (numRecords == 0) {
      return;
    }
    // A counting sort of the slabs by partition; it keeps each partition's slabs in order.
    int[] firstOfPartition = new int[numPartitions + 1];
    for (int s = 0; s < numSlabs; s++) {
      firstOfPartition[slabPartition[s] + 1]++;
    }
    for (int p = 0; p < numPartitions; p++) {
      firstOfPartition[p + 1] += firstOfPartition[p];
    }
    int[] next = Arrays.copyOf(firstOfPartition, numPartitions);
    int[] slabsInOrder = new int[numSlabs];
    for (int s = 0; s < numSlabs; s++) {
      slabsInOrder[next[slabPartition[s]]++] = s;
    }
    for (int p = 0; p < numPartitions; p++) {
      if (firstOfPartition[p] == firstOfPartition[p + 1]) {
        continue;
      }
      try (OutputStream out = sink.openPartition(p)) {
        int buffered = 0;
        for (int i = firstOfPartition[p]; i < firstOfPartition[p + 1]; i++) {
          int slab = slabsInOrder[i];
          int length = slab == tailSlab[p] ? tailFill[p] : slabBytes;
          if (buffered + length > copyBuffer.length) {
            out.write(copyBuffer, 0, buffered);
            buffered = 0;
          }
          Platform.copyMemory(
              pages.get(slabPage[slab]).getBaseObject(),
              slabOffset[slab],
              copyBuffer,
              Platform.BYTE_ARRAY_OFFSET + buffered,
              length);
          buffered += length;
        }
        out.write(copyBuffer, 0, buffered);
      }
    }
  }

  @Override
  public long reset() {
    long freed = pageBytes;
    for (MemoryBlock page : pages) {
      memory.freeDataPage(page);
    }
    pages.clear();
    pageBytes = 0;
    carvePage = -1;
    carveOffset = 0;
    carveEnd = 0;
    freeSlabs = 0;
    numSlabs = 0;
    Arrays.fill(tailSlab, -1);
    Arrays.fill(tailFill, 0);
    Arrays.fill(tailBase, null);
    numRecords = 0;
    dataBytes = 0;
    return freed;
  }

  @Override
  public int numRecords() {
    return numRecords;
  }

  @Override
  public long memoryBytes() {
    return pageBytes;
  }

  @Override
  public long dataBytes() {
    return dataBytes;
  }

  @Override
  public boolean isInsertInProgress() {
    return insertInProgress;
  }

  /**
   * Makes sure the slabs a record of {@code length} bytes needs beyond its partition's tail
   * exist. Allocating a page may spill the owner, which empties this store, so the need is
   * worked out again after every page; once the store is empty a page either comes or the memory
   * manager throws.
   */
  private void makeRoom(int partitionId, int length) {
    while (true) {
      long roomInTail = tailSlab[partitionId] < 0 ? 0 : slabBytes - tailFill[partitionId];
      long missing = length - roomInTail;
      long slabsNeeded = missing <= 0 ? 0 : (missing + slabBytes - 1) / slabBytes;
      if (slabsNeeded <= freeSlabs) {
        return;
      }
      addPage((slabsNeeded - freeSlabs) * slabBytes);
    }
  }

  /**
   * Allocates a page of at least {@code requiredBytes}: the page size when smaller, or less when
   * the memory manager cannot grant a full page ({@link TaskMemoryConsumer#allocateDataPageShrinking}).
   */
  private void addPage(long requiredBytes) {
    MemoryBlock page = memory.allocateDataPageShrinking(pageSizeBytes, requiredBytes);
    pages.add(page);
    pageBytes += page.size();
    freeSlabs += page.size() / slabBytes;
    if (carvePage < 0) {
      startCarving(0);
    }
  }

  private void startCarving(int pageIndex) {
    MemoryBlock page = pages.get(pageIndex);
    carvePage = pageIndex;
    carveOffset = page.getBaseOffset();
    carveEnd = page.getBaseOffset() + page.size() / slabBytes * slabBytes;
  }

  /** Gives {@code partitionId} a new, empty tail slab; {@link #makeRoom} ensured one is free. */
  private void takeSlab(int partitionId) {
    if (carveOffset == carveEnd) {
      startCarving(carvePage + 1);
    }
    if (numSlabs == slabPage.length) {
      int grown = numSlabs * 2;
      slabPage = Arrays.copyOf(slabPage, grown);
      slabOffset = Arrays.copyOf(slabOffset, grown);
      slabPartition = Arrays.copyOf(slabPartition, grown);
    }
    int slab = numSlabs++;
    slabPage[slab] = carvePage;
    slabOffset[slab] = carveOffset;
    slabPartition[slab] = partitionId;
    carveOffset += slabBytes;
    freeSlabs--;
    tailSlab[partitionId] = slab;
    tailFill[partitionId] = 0;
    tailBase[partitionId] = pages.get(carvePage).getBaseObject();
  }
}
