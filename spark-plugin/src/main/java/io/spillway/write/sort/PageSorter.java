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
import java.util.List;
import org.apache.spark.memory.SparkOutOfMemoryError;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TooLargePageException;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.UnsafeAlignedOffset;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;

/**
 * Serialized records in memory pages, sorted by partition on demand.
 *
 * <p>Each record is copied into the current data page as
 *
 * <pre>
 * +-------------------------------+------------------------+
 * | length (4 bytes; 8 on CPUs    |  serialized key, value |
 * | without unaligned access)     |  (length bytes)        |
 * +-------------------------------+------------------------+
 * </pre>
 *
 * and a {@link PackedRecordPointer} to it is appended to the pointer array, which keeps half of
 * its slots free as the radix sort's scratch space. Pages come from the task's memory manager
 * through one {@link TaskMemoryConsumer}; a record larger than a page gets a page of its own.
 *
 * <p>When memory runs out (or the record/byte force-spill thresholds are reached), the owner is
 * told to spill: it calls {@link #writeSortedTo} with a spill file and then {@link #reset}, which
 * frees every page and the pointer array without allocating anything. The sorter is used by one
 * thread; see {@link #isInsertInProgress} for how spill requests from other consumers are kept
 * off a half-written record.
 */
public final class PageSorter implements SerializedRecordStore {
  private static final int LENGTH_PREFIX_BYTES = UnsafeAlignedOffset.getUaoSize();
  private static final int SIZE_PREFIX_BYTES = 4;

  private final TaskMemoryConsumer memory;
  private final TaskMemoryManager taskMemoryManager;
  private final long pageSizeBytes;
  private final int numPartitions;
  private final int initialPointerSlots;
  private final byte[] copyBuffer;

  private final List<MemoryBlock> pages = new ArrayList<>();
  private long pageBytes;
  private MemoryBlock currentPage;
  private long currentPageCursor;
  private long dataBytes;
  private LongArray pointers;
  private int numRecords;
  private boolean insertInProgress;

  /**
   * @param memory the consumer pages and the pointer array are allocated through
   * @param pageSizeBytes size of a data page (at most {@link
   *     PackedRecordPointer#MAXIMUM_PAGE_SIZE_BYTES}, which a record's offset must fit)
   * @param numPartitions partitions of the shuffle
   * @param initialPointerSlots records the pointer array holds before it first grows
   * @param copyBufferSizeBytes staging buffer for copying records out of pages into streams (at
   *     most {@link SerializedRecordStore#MAX_COPY_BUFFER_BYTES} of it is allocated)
   */
  public PageSorter(
      TaskMemoryConsumer memory,
      long pageSizeBytes,
      int numPartitions,
      int initialPointerSlots,
      int copyBufferSizeBytes) {
    if (pageSizeBytes < 1 || pageSizeBytes > PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES) {
      throw new IllegalArgumentException(
          "pageSizeBytes must be in [1, "
              + PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES
              + "]; got "
              + pageSizeBytes);
    }
    this.memory = memory;
    this.numPartitions = numPartitions;
    this.taskMemoryManager = memory.taskMemoryManager();
    this.pageSizeBytes = pageSizeBytes;
    if (initialPointerSlots < 1) {
      throw new IllegalArgumentException(
          "initialPointerSlots must be >= 1; got " + initialPointerSlots);
    }
    this.initialPointerSlots = initialPointerSlots;
    this.copyBuffer =
        new byte[Math.max(4096, SerializedRecordStore.copyBufferBytes(copyBufferSizeBytes))];
  }

  /**
   * Copies one serialized record into memory. May make the memory manager spill this sorter
   * (through the owner's spill handler) while it makes room; the record is inserted afterwards.
   *
   * @throws PointerArrayFullException when the pointer array cannot grow: the owner spills and
   *     inserts again
   */
  @Override
  public void insertRecord(Object recordBase, long recordOffset, int length, int partitionId) {
    store(recordBase, recordOffset, length, partitionId, false);
  }

  /** As {@link #insertRecord} of the 4-byte size and the bytes, with one copy of the bytes. */
  @Override
  public void insertSizePrefixed(Object base, long offset, int size, int partitionId) {
    store(base, offset, size, partitionId, true);
  }

  /**
   * Copies {@code size} bytes into the current page after the record's length word, preceded by
   * their 4-byte big-endian size when {@code sizePrefixed} (the length word then counts it).
   */
  private void store(Object base, long offset, int size, int partitionId, boolean sizePrefixed) {
    int length = sizePrefixed ? SIZE_PREFIX_BYTES + size : size;
    long requiredBytes = makeRoom(length, partitionId);
    insertInProgress = true;
    try {
      Object pageBase = currentPage.getBaseObject();
      long recordAddress =
          taskMemoryManager.encodePageNumberAndOffset(currentPage, currentPageCursor);
      long at = currentPageCursor + LENGTH_PREFIX_BYTES;
      UnsafeAlignedOffset.putSize(pageBase, currentPageCursor, length);
      if (sizePrefixed) {
        RecordCopy.putBigEndianInt(pageBase, at, size);
        at += SIZE_PREFIX_BYTES;
      }
      RecordCopy.copy(base, offset, pageBase, at, size);
      added(requiredBytes, recordAddress, partitionId);
    } finally {
      insertInProgress = false;
    }
  }

  /**
   * Makes sure the current page has room for a record of {@code length} bytes and its length
   * prefix, and the pointer array a slot; returns the bytes the record takes in the page.
   */
  private long makeRoom(int length, int partitionId) {
    if (partitionId < 0 || partitionId > PackedRecordPointer.MAXIMUM_PARTITION_ID) {
      throw new IllegalArgumentException(
          "Partition id "
              + partitionId
              + " is outside [0, "
              + PackedRecordPointer.MAXIMUM_PARTITION_ID
              + "]");
    }
    long requiredBytes = (long) length + LENGTH_PREFIX_BYTES;
    // Making room may spill and free everything (pointer array included), so re-check until both
    // a pointer slot and page space exist. The second round cannot spill again: spilling an
    // empty sorter frees nothing, so it either succeeds or the memory manager throws.
    for (int attempt = 0; ; attempt++) {
      ensurePageSpace(requiredBytes);
      ensurePointerSlot();
      if (currentPage != null && pointers != null) {
        return requiredBytes;
      }
      if (attempt > 2) {
        throw new IllegalStateException("Could not make room for a record of " + length + " bytes");
      }
    }
  }

  /** Counts the record just copied to the cursor and points at it. */
  private void added(long requiredBytes, long recordAddress, int partitionId) {
    currentPageCursor += requiredBytes;
    dataBytes += requiredBytes;
    pointers.set(numRecords, PackedRecordPointer.pack(recordAddress, partitionId));
    numRecords++;
  }

  @Override
  public void writeInPartitionOrder(PartitionSink sink) throws IOException {
    writeSortedTo(sink, numPartitions);
  }

  /**
   * Sorts the pointers by partition and streams the records to {@code sink}, one stream per
   * non-empty partition, in partition order.
   *
   * @return records written per partition
   */
  public long[] writeSortedTo(PartitionSink sink, int numPartitions) throws IOException {
    long[] recordsPerPartition = new long[numPartitions];
    if (numRecords == 0) {
      return recordsPerPartition;
    }
    int sortedStart = PartitionRadixSort.sort(pointers, numRecords);
    int currentPartition = -1;
    OutputStream out = null;
    int buffered = 0;
    try {
      for (int i = sortedStart; i < sortedStart + numRecords; i++) {
        long pointer = pointers.get(i);
        int partitionId = PackedRecordPointer.partitionId(pointer);
        if (partitionId != currentPartition) {
          if (out != null) {
            out.write(copyBuffer, 0, buffered);
            buffered = 0;
            out.close();
          }
          currentPartition = partitionId;
          out = sink.openPartition(partitionId);
        }
        long address = PackedRecordPointer.recordAddress(pointer);
        Object base = taskMemoryManager.getPage(address);
        long offset = taskMemoryManager.getOffsetInPage(address);
        int length = UnsafeAlignedOffset.getSize(base, offset);
        long from = offset + LENGTH_PREFIX_BYTES;
        while (length > 0) {
          if (buffered == copyBuffer.length) {
            out.write(copyBuffer, 0, buffered);
            buffered = 0;
          }
          int chunk = Math.min(length, copyBuffer.length - buffered);
          RecordCopy.copy(base, from, copyBuffer, Platform.BYTE_ARRAY_OFFSET + buffered, chunk);
          buffered += chunk;
          from += chunk;
          length -= chunk;
        }
        recordsPerPartition[partitionId]++;
      }
      if (out != null) {
        out.write(copyBuffer, 0, buffered);
        out.close();
        out = null;
      }
    } finally {
      if (out != null) {
        // failing: release the stream's resources; the caller reports the first failure
        try {
          out.close();
        } catch (IOException | RuntimeException ignoredWhileFailing) {
          // the primary failure is already propagating
        }
      }
    }
    return recordsPerPartition;
  }

  /** Frees every page and the pointer array. Allocates nothing, so it is safe inside a spill. */
  @Override
  public long reset() {
    long freed = 0;
    for (MemoryBlock page : pages) {
      freed += page.size();
      memory.freeDataPage(page);
    }
    pages.clear();
    pageBytes = 0;
    currentPage = null;
    currentPageCursor = 0;
    if (pointers != null) {
      freed += pointers.memoryBlock().size();
      memory.freeLongArray(pointers);
      pointers = null;
    }
    numRecords = 0;
    dataBytes = 0;
    return freed;
  }

  @Override
  public int numRecords() {
    return numRecords;
  }

  /** Bytes held in pages and the pointer array; constant time (asked before every insert). */
  @Override
  public long memoryBytes() {
    return pageBytes + (pointers == null ? 0 : pointers.memoryBlock().size());
  }

  /** Record bytes stored (length prefixes included). */
  @Override
  public long dataBytes() {
    return dataBytes;
  }

  /**
   * True while a record is being copied in. A spill request that arrives then (from another
   * consumer on another thread) must be declined: the record's pointer is not in the array yet.
   */
  @Override
  public boolean isInsertInProgress() {
    return insertInProgress;
  }

  private void ensurePointerSlot() {
    if (pointers != null && numRecords < pointers.size() / 2) {
      return;
    }
    long wantedSlots = pointers == null ? 2L * initialPointerSlots : pointers.size() * 2;
    LongArray grown;
    try {
      // may call back into a spill of this sorter, which frees the current array
      grown = memory.allocateLongArray(wantedSlots);
    } catch (TooLargePageException e) {
      if (numRecords == 0) {
        throw e;
      }
      // the array cannot grow in one page: behave as if memory ran out (the owner spills)
      throw new PointerArrayFullException(e);
    } catch (SparkOutOfMemoryError e) {
      if (numRecords == 0) {
        throw e;
      }
      throw new PointerArrayFullException(e);
    }
    if (pointers != null) {
      Platform.copyMemory(
          pointers.getBaseObject(),
          pointers.getBaseOffset(),
          grown.getBaseObject(),
          grown.getBaseOffset(),
          numRecords * 8L);
      memory.freeLongArray(pointers);
    }
    pointers = grown;
  }

  private void ensurePageSpace(long requiredBytes) {
    if (currentPage != null
        && currentPageCursor + requiredBytes <= currentPage.getBaseOffset() + currentPage.size()) {
      return;
    }
    // may call back into a spill of this sorter, which frees every page
    MemoryBlock page = memory.allocateDataPageShrinking(pageSizeBytes, requiredBytes);
    pages.add(page);
    pageBytes += page.size();
    currentPage = page;
    currentPageCursor = page.getBaseOffset();
  }

  /**
   * The pointer array could not grow though the sorter holds records. The owner spills and
   * retries the insert, as when pages run out.
   */
  public static final class PointerArrayFullException extends RuntimeException {
    PointerArrayFullException(Throwable cause) {
      super("The pointer array cannot grow: " + cause.getMessage(), cause);
    }
  }
}
