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

import io.spillway.io.SizePrefixedRecordSink;
import io.spillway.spill.PartitionSink;
import java.io.IOException;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * A map task's serialized records in memory pages, written out partition by partition. Two
 * layouts, chosen per task by {@link RecordLayout#choose}:
 *
 * <ul>
 *   <li>{@link PartitionSlabs}: each partition's bytes appended to its own chain of slabs; no
 *       per-record pointer and no sort, and a partition is written out with one copy per slab.
 *       For shuffles whose partitions fit a page with a few KiB each (the common 200).
 *   <li>{@link PageSorter}: records in insertion order plus an 8-byte pointer each, radix-sorted
 *       by partition when written out. For any number of partitions (up to 2^24).
 * </ul>
 *
 * <p>A record comes either as bytes ({@link #insertRecord}) or as a size and the bytes it frames
 * ({@link #insertSizePrefixed}, Spark SQL's rows), stored alike; the second saves the caller a
 * buffer and a copy.
 *
 * <p>Both take their memory from the task's memory manager through one consumer and may spill
 * their owner while making room for a record (before any of its bytes are stored). One thread
 * uses a store; {@link #isInsertInProgress} keeps spill requests from other consumers off a
 * half-stored record.
 */
public interface SerializedRecordStore extends SizePrefixedRecordSink {

  /**
   * Stores one serialized record of {@code length} bytes at {@code base + offset} in partition
   * {@code partitionId}. May make the memory manager spill the owner first.
   */
  void insertRecord(Object base, long offset, int length, int partitionId);

  /**
   * Streams every record to {@code sink}, one stream per non-empty partition, in partition order
   * and, within a partition, in insertion order.
   */
  void writeInPartitionOrder(PartitionSink sink) throws IOException;

  /** Frees every page. Allocates nothing, so it is safe inside a spill. Returns bytes freed. */
  long reset();

  int numRecords();

  /** Bytes held from the memory manager now; constant time (asked before every insert). */
  long memoryBytes();

  /** Bytes of the records stored (with any per-record overhead of the layout). */
  long dataBytes();

  /** True while a record is being copied in: no spill may run then. */
  boolean isInsertInProgress();

  /**
   * The most bytes of a copy buffer either layout allocates, whatever {@code
   * spark.shuffle.spill.diskWriteBufferSize} says. Why: every map task allocates its store's copy
   * buffer, and Spark's default of 1 MiB is a humongous object for G1 on heaps under 8 GiB
   * (regions of 1 or 2 MiB; an array of half a region or more is humongous): each such allocation
   * starts a young collection and a concurrent cycle. In {@code BenchmarkShufflePath.write} (a
   * map task per operation) 1 MiB buffers cost 73 collections in 10 s at 200 partitions against 2
   * with 256 KiB ({@code docs/benchmarks/history/copy-buffer-cap.md}). The buffer only feeds
   * streams that compress or buffer in blocks of 32 KiB or so, so a larger one gains nothing.
   */
  int MAX_COPY_BUFFER_BYTES = 256 * 1024;

  /** The copy buffer's size: {@code diskWriteBufferSizeBytes}, at most 256 KiB. */
  static int copyBufferBytes(int diskWriteBufferSizeBytes) {
    return Math.min(MAX_COPY_BUFFER_BYTES, diskWriteBufferSizeBytes);
  }

  /**
   * The data page size both layouts use: the memory manager's page size, capped so that a
   * record's offset in its page fits {@link PackedRecordPointer}'s 27 bits.
   */
  static long pageSizeBytes(TaskMemoryManager taskMemoryManager) {
    return Math.min(PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES, taskMemoryManager.pageSizeBytes());
  }

  /** How a task's serialized records are laid out in memory. */
  enum RecordLayout {
    PARTITION_SLABS,
    SORTED_POINTERS;

    /**
     * Slabs when every partition can have a slab of at least {@link
     * PartitionSlabs#MIN_SLAB_BYTES} within one page: then the slabs being filled waste at most a
     * page. More partitions than that would spread a task's memory over half-empty slabs, and
     * take the pointer sort.
     */
    public static RecordLayout choose(long pageSizeBytes, int numPartitions) {
      return PartitionSlabs.slabBytesFor(pageSizeBytes, numPartitions) > 0
          ? PARTITION_SLABS
          : SORTED_POINTERS;
    }
  }
}
