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

import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.LongArray;

/**
 * Stable least-significant-digit radix sort of packed pointers by partition id (the top three
 * bytes, see {@link PackedRecordPointer}). Records of one partition keep their insertion order.
 *
 * <p>The array holds the {@code n} pointers in slots {@code [0, n)} and needs {@code [n, 2n)} as
 * scratch space. One pass counts all three key bytes at once; a byte that is the same in every
 * pointer (for example the upper two bytes when there are fewer than 256 partitions) costs no
 * pass. The sorted pointers end up in {@code [0, n)} or {@code [n, 2n)}: {@link #sort} says which.
 */
public final class PartitionRadixSort {
  private PartitionRadixSort() {}

  private static final int KEY_BYTES =
      PackedRecordPointer.PARTITION_ID_LAST_BYTE - PackedRecordPointer.PARTITION_ID_FIRST_BYTE + 1;

  /**
   * Sorts {@code numRecords} pointers.
   *
   * @return the slot index where the sorted run starts: 0 or {@code numRecords}
   */
  public static int sort(LongArray array, int numRecords) {
    if (2L * numRecords > array.size()) {
      throw new IllegalArgumentException(
          "Radix sort of "
              + numRecords
              + " pointers needs "
              + (2L * numRecords)
              + " slots; the array has "
              + array.size());
    }
    if (numRecords < 2) {
      return 0;
    }
    long[][] counts = countKeyBytes(array, numRecords);
    Object base = array.getBaseObject();
    long inOffset = array.getBaseOffset();
    long outOffset = inOffset + numRecords * 8L;
    int sortedStart = 0;
    for (int keyByte = 0; keyByte < KEY_BYTES; keyByte++) {
      long[] count = counts[keyByte];
      if (count == null) {
        continue;
      }
      int shift = (PackedRecordPointer.PARTITION_ID_FIRST_BYTE + keyByte) * 8;
      long[] writeOffsets = startOffsets(count, outOffset);
      long end = inOffset + numRecords * 8L;
      for (long p = inOffset; p < end; p += 8) {
        long pointer = Platform.getLong(base, p);
        int bucket = (int) ((pointer >>> shift) & 0xFF);
        Platform.putLong(base, writeOffsets[bucket], pointer);
        writeOffsets[bucket] += 8;
      }
      long swap = inOffset;
      inOffset = outOffset;
      outOffset = swap;
      sortedStart = sortedStart == 0 ? numRecords : 0;
    }
    return sortedStart;
  }

  /** Histograms of the three key bytes; null for a byte every pointer shares (no pass needed). */
  private static long[][] countKeyBytes(LongArray array, int numRecords) {
    Object base = array.getBaseObject();
    long start = array.getBaseOffset();
    long end = start + numRecords * 8L;
    long bitwiseOr = 0;
    long bitwiseAnd = -1L;
    for (long p = start; p < end; p += 8) {
      long pointer = Platform.getLong(base, p);
      bitwiseOr |= pointer;
      bitwiseAnd &= pointer;
    }
    long differingBits = bitwiseOr ^ bitwiseAnd;
    long[][] counts = new long[KEY_BYTES][];
    for (int keyByte = 0; keyByte < KEY_BYTES; keyByte++) {
      int shift = (PackedRecordPointer.PARTITION_ID_FIRST_BYTE + keyByte) * 8;
      if (((differingBits >>> shift) & 0xFF) != 0) {
        counts[keyByte] = new long[256];
      }
    }
    for (long p = start; p < end; p += 8) {
      long pointer = Platform.getLong(base, p);
      for (int keyByte = 0; keyByte < KEY_BYTES; keyByte++) {
        long[] count = counts[keyByte];
        if (count != null) {
          count[
              (int)
                  ((pointer >>> ((PackedRecordPointer.PARTITION_ID_FIRST_BYTE + keyByte) * 8))
                      & 0xFF)]++;
        }
      }
    }
    return counts;
  }

  private static long[] startOffsets(long[] count, long outputOffset) {
    long[] offsets = new long[256];
    long running = outputOffset;
    for (int bucket = 0; bucket < 256; bucket++) {
      offsets[bucket] = running;
      running += count[bucket] * 8;
    }
    return offsets;
  }
}
