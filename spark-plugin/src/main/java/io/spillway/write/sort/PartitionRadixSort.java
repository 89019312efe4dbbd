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
 * scratch space. The sort only looks at the partition id's bits up to the highest one that is not
 * the same in every pointer:
 *
 * <pre>
 *   pointer  = partition id (24 bits) | page number (13) | offset in page (27)
 *   key bits = partition id bits 0 .. b-1, b = bit length of (OR of ids) XOR (AND of ids)
 *
 *   widest digit w = min(16, floor(log2(max(256, n))))
 *   passes         = ceil(b / w), digits of ceil(b / passes) bits each, lowest first;
 *                    a digit that is the same in every pointer costs no pass
 *
 *   200 partitions:        b = 8,  one pass of 8 bits
 *   20,000 partitions:     b = 15, one pass of 15 bits (n &gt;= 32,768), else two of 8
 *   2,000,000 partitions:  b = 21, two passes of 11 bits (n &gt;= 2,048)
 * </pre>
 *
 * Why digits wider than a byte: every pass moves every pointer, and a map task with 20,000
 * partitions sorted by bytes takes two passes where one digit of 15 bits (a histogram of 32,768
 * counts, 128 KiB, in the core's own cache) takes one. Measured with {@code
 * BenchmarkPartitionRadixSort} ({@code docs/benchmarks/history/radix-wide-digit.md}). A histogram
 * larger than the input would cost more to clear and sum than a pass saves. One loop counts every
 * digit at once. The sorted pointers end up in {@code [0, n)} or {@code [n, 2n)}: {@link #sort}
 * says which.
 */
public final class PartitionRadixSort {
  private PartitionRadixSort() {}

  private static final int ID_SHIFT = PackedRecordPointer.PARTITION_ID_SHIFT;

  /** The widest digit: a histogram of 2^16 counts still fits the core's own cache. */
  static final int MAX_DIGIT_BITS = 16;

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
    Object base = array.getBaseObject();
    long inOffset = array.getBaseOffset();
    long outOffset = inOffset + numRecords * 8L;
    long differingKeyBits = differingKeyBits(base, inOffset, numRecords);
    int keyBits = 64 - Long.numberOfLeadingZeros(differingKeyBits);
    if (keyBits == 0) {
      return 0; // one partition: already in order
    }
    int widestDigitBits =
        Math.min(MAX_DIGIT_BITS, 31 - Integer.numberOfLeadingZeros(Math.max(256, numRecords)));
    int passes = (keyBits + widestDigitBits - 1) / widestDigitBits;
    int digitBits = (keyBits + passes - 1) / passes;
    int[][] counts = countDigits(base, inOffset, numRecords, differingKeyBits, keyBits, digitBits);
    int sortedStart = 0;
    for (int digit = 0; digit < counts.length; digit++) {
      int[] count = counts[digit];
      if (count == null) {
        continue;
      }
      int shift = ID_SHIFT + digit * digitBits;
      int mask = count.length - 1;
      long[] writeOffsets = startOffsets(count, outOffset);
      long end = inOffset + numRecords * 8L;
      for (long p = inOffset; p < end; p += 8) {
        long pointer = Platform.getLong(base, p);
        int bucket = (int) (pointer >>> shift) & mask;
        long at = writeOffsets[bucket];
        Platform.putLong(base, at, pointer);
        writeOffsets[bucket] = at + 8;
      }
      long swap = inOffset;
      inOffset = outOffset;
      outOffset = swap;
      sortedStart = sortedStart == 0 ? numRecords : 0;
    }
    return sortedStart;
  }

  /** The partition-id bits that are not the same in every pointer, shifted down to bit 0. */
  private static long differingKeyBits(Object base, long start, int numRecords) {
    long end = start + numRecords * 8L;
    long bitwiseOr = 0;
    long bitwiseAnd = -1L;
    for (long p = start; p < end; p += 8) {
      long pointer = Platform.getLong(base, p);
      bitwiseOr |= pointer;
      bitwiseAnd &= pointer;
    }
    return (bitwiseOr ^ bitwiseAnd) >>> ID_SHIFT;
  }

  /**
   * Histograms of the key's digits of {@code digitBits} bits, lowest first, counted in one loop;
   * null for a digit every pointer shares (no pass needed).
   */
  private static int[][] countDigits(
      Object base, long start, int numRecords, long differingKeyBits, int keyBits, int digitBits) {
    int numDigits = (keyBits + digitBits - 1) / digitBits;
    int[][] counts = new int[numDigits][];
    for (int digit = 0; digit < numDigits; digit++) {
      long digitMask = (1L << digitBits) - 1;
      if (((differingKeyBits >>> (digit * digitBits)) & digitMask) != 0) {
        counts[digit] = new int[1 << digitBits];
      }
    }
    long end = start + numRecords * 8L;
    if (numDigits == 1 && counts[0] != null) {
      // one digit (up to 2^16 partitions with enough records): no loop over digits
      int[] count = counts[0];
      int mask = count.length - 1;
      for (long p = start; p < end; p += 8) {
        count[(int) (Platform.getLong(base, p) >>> ID_SHIFT) & mask]++;
      }
      return counts;
    }
    for (long p = start; p < end; p += 8) {
      long key = Platform.getLong(base, p) >>> ID_SHIFT;
      for (int digit = 0; digit < numDigits; digit++) {
        int[] count = counts[digit];
        if (count != null) {
          count[(int) (key >>> (digit * digitBits)) & (count.length - 1)]++;
        }
      }
    }
    return counts;
  }

  private static long[] startOffsets(int[] count, long outputOffset) {
    long[] offsets = new long[count.length];
    long running = outputOffset;
    for (int bucket = 0; bucket < count.length; bucket++) {
      offsets[bucket] = running;
      running += count[bucket] * 8L;
    }
    return offsets;
  }
}
