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

/**
 * A record's partition id and its place in memory, packed into one {@code long} so that the
 * pointer array sorts by partition with a radix sort on the top three bytes:
 *
 * <pre>
 *  63                  40 39          27 26                       0
 * +----------------------+--------------+--------------------------+
 * | partition id (24 bit)| page (13 bit)|  offset in page (27 bit) |
 * +----------------------+--------------+--------------------------+
 *   bytes 7, 6, 5           of the little-endian long are the partition id
 * </pre>
 *
 * <p>Limits that follow: partition ids 0 to {@value #MAXIMUM_PARTITION_ID} (2^24 partitions),
 * 8,192 pages (the {@code TaskMemoryManager} page table), and a record must start in the first
 * {@value #MAXIMUM_PAGE_SIZE_BYTES} bytes (128 MiB) of its page. A record larger than a page gets
 * a page of its own and starts at offset 0, so it may be larger than 128 MiB.
 *
 * <p>The input is a {@code TaskMemoryManager} address, {@code [13-bit page][51-bit offset]}; only
 * the low 27 bits of its offset survive packing.
 */
public final class PackedRecordPointer {
  private PackedRecordPointer() {}

  public static final int PARTITION_ID_BITS = 24;
  public static final int PAGE_NUMBER_BITS = 13;
  public static final int OFFSET_BITS = 27;

  public static final int MAXIMUM_PARTITION_ID = (1 << PARTITION_ID_BITS) - 1;
  public static final long MAXIMUM_PAGE_SIZE_BYTES = 1L << OFFSET_BITS;

  /** The lowest bit of the partition id in a pointer: the radix sort's key starts there. */
  public static final int PARTITION_ID_SHIFT = PAGE_NUMBER_BITS + OFFSET_BITS;

  private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
  private static final long PAGE_NUMBER_MASK = ((1L << PAGE_NUMBER_BITS) - 1) << OFFSET_BITS;
  private static final int ADDRESS_PAGE_SHIFT = 64 - PAGE_NUMBER_BITS;
  private static final long ADDRESS_OFFSET_MASK = (1L << ADDRESS_PAGE_SHIFT) - 1;

  /**
   * Packs a task-memory address and a partition id.
   *
   * @param recordAddress from {@code TaskMemoryManager.encodePageNumberAndOffset}
   */
  public static long pack(long recordAddress, int partitionId) {
    assert partitionId >= 0 && partitionId <= MAXIMUM_PARTITION_ID : "partitionId=" + partitionId;
    assert (recordAddress & ADDRESS_OFFSET_MASK) <= OFFSET_MASK
        : "offset in page " + (recordAddress & ADDRESS_OFFSET_MASK) + " needs more than 27 bits";
    long pageNumber = recordAddress >>> ADDRESS_PAGE_SHIFT;
    return (((long) partitionId) << PARTITION_ID_SHIFT)
        | (pageNumber << OFFSET_BITS)
        | (recordAddress & OFFSET_MASK);
  }

  public static int partitionId(long packedPointer) {
    return (int) (packedPointer >>> PARTITION_ID_SHIFT);
  }

  /** The {@code TaskMemoryManager} address the pointer was packed from. */
  public static long recordAddress(long packedPointer) {
    long pageNumber = (packedPointer & PAGE_NUMBER_MASK) >>> OFFSET_BITS;
    return (pageNumber << ADDRESS_PAGE_SHIFT) | (packedPointer & OFFSET_MASK);
  }
}
