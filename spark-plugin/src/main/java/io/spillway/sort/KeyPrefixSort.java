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
package io.spillway.sort;

import java.util.Arrays;
import java.util.Comparator;
import scala.Tuple2;

/**
 * Sorts in-memory records by a {@link KeyPrefix}: a least-significant-digit radix sort of
 * (prefix, index) pairs, 8 bits per pass, then the ordering itself only inside runs of records
 * whose prefixes are equal (and not even there when the prefix is exact). This is the trick of
 * Spark's {@code UnsafeInMemorySorter} for SQL sort keys, applied to the deserialized keys of an
 * RDD sort.
 *
 * <p>Passes: one pass counts all eight bytes of every prefix; a byte position where every prefix
 * has the same byte costs no pass (ASCII strings have a zero high byte in each char, so a String
 * prefix usually needs four passes, not eight). Each pass is stable, which LSD order needs.
 *
 * <p>Scratch: {@link #scratchBytes(int)} for n records: two prefix arrays, two index arrays and a
 * copy of the references; the caller reserves it from the task memory manager first.
 */
public final class KeyPrefixSort {
  private KeyPrefixSort() {}

  /** Below this many records the comparator sort is as fast and allocates nothing. */
  static final int MIN_RECORDS = 64;

  /** Heap bytes {@link #sort} allocates for {@code records} records. */
  public static long scratchBytes(int records) {
    return 32L * records;
  }

  /**
   * Sorts {@code records[0, size)} by key.
   *
   * @return false, with the records untouched, when the prefix does not apply to these keys (see
   *     {@link KeyPrefix#fill}); the caller then sorts with the ordering
   */
  static boolean sort(
      Tuple2<?, ?>[] records, int size, KeyPrefix prefix, Comparator<Tuple2<?, ?>> recordOrder) {
    if (size < 2) {
      return true;
    }
    long[] prefixes = new long[size];
    if (!prefix.fill(records, size, prefixes)) {
      return false;
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    long[] prefixScratch = new long[size];
    int[] orderScratch = new int[size];
    long[][] counts = countBytes(prefixes, size);
    for (int keyByte = 0; keyByte < Long.BYTES; keyByte++) {
      if (counts[keyByte] == null) {
        continue;
      }
      int[] next = startIndexes(counts[keyByte]);
      int shift = 8 * keyByte;
      for (int i = 0; i < size; i++) {
        long p = prefixes[i];
        int to = next[(int) ((p >>> shift) & 0xFF)]++;
        prefixScratch[to] = p;
        orderScratch[to] = order[i];
      }
      long[] swapPrefixes = prefixes;
      prefixes = prefixScratch;
      prefixScratch = swapPrefixes;
      int[] swapOrder = order;
      order = orderScratch;
      orderScratch = swapOrder;
    }
    Tuple2<?, ?>[] unsorted = Arrays.copyOf(records, size);
    for (int i = 0; i < size; i++) {
      records[i] = unsorted[order[i]];
    }
    if (!prefix.exactFor(records[0]._1())) {
      sortTies(records, prefixes, size, recordOrder);
    }
    return true;
  }

  /** Orders each run of equal prefixes with the ordering. */
  private static void sortTies(
      Tuple2<?, ?>[] records, long[] prefixes, int size, Comparator<Tuple2<?, ?>> recordOrder) {
    int start = 0;
    for (int i = 1; i <= size; i++) {
      if (i == size || prefixes[i] != prefixes[start]) {
        if (i - start > 1) {
          Arrays.sort(records, start, i, recordOrder);
        }
        start = i;
      }
    }
  }

  /** Histograms of the eight prefix bytes; null for a byte all prefixes share (no pass needed). */
  private static long[][] countBytes(long[] prefixes, int size) {
    long bitwiseOr = 0;
    long bitwiseAnd = -1L;
    for (int i = 0; i < size; i++) {
      bitwiseOr |= prefixes[i];
      bitwiseAnd &= prefixes[i];
    }
    long differingBits = bitwiseOr ^ bitwiseAnd;
    long[][] counts = new long[Long.BYTES][];
    for (int keyByte = 0; keyByte < Long.BYTES; keyByte++) {
      if (((differingBits >>> (8 * keyByte)) & 0xFF) != 0) {
        counts[keyByte] = new long[256];
      }
    }
    for (int i = 0; i < size; i++) {
      long p = prefixes[i];
      for (int keyByte = 0; keyByte < Long.BYTES; keyByte++) {
        long[] count = counts[keyByte];
        if (count != null) {
          count[(int) ((p >>> (8 * keyByte)) & 0xFF)]++;
        }
      }
    }
    return counts;
  }

  private static int[] startIndexes(long[] count) {
    int[] start = new int[256];
    int running = 0;
    for (int bucket = 0; bucket < 256; bucket++) {
      start[bucket] = running;
      running += (int) count[bucket];
    }
    return start;
  }
}
