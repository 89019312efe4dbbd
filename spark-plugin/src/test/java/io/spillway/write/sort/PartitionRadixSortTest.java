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
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Radix sort against a stable {@code Arrays.sort} by partition id on seeded random pointers: the
 * oracle sorts boxed pointers with a comparator on the partition id only, so equal partitions
 * keep insertion order exactly when the radix sort is stable.
 */
class PartitionRadixSortTest {

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 2, 200, 256, 257, 20_000, 65_536, 70_000, 16_777_216})
  void matchesStableSortByPartition(int numPartitions) {
    matchesStableSortByPartition(numPartitions, 10_000);
  }

  /** Enough records that the partition ids (up to 16 bits) are sorted as one wide digit. */
  @ParameterizedTest(name = "{0} partitions, {1} records")
  @CsvSource({"3, 300", "20000, 40000", "65536, 70000", "65537, 70000", "300, 100"})
  void matchesStableSortByPartition(int numPartitions, int n) {
    long seed = 31L * numPartitions + n;
    System.out.println("PartitionRadixSortTest seed " + seed);
    Random random = new Random(seed);
    LongArray array = new LongArray(MemoryBlock.fromLongArray(new long[2 * n]));
    Long[] expected = new Long[n];
    for (int i = 0; i < n; i++) {
      int partition = random.nextInt(numPartitions);
      // the address part records the insertion index, so stability is visible
      long pointer = PackedRecordPointer.pack(((long) (i % 8192) << 51) | (i / 8192), partition);
      array.set(i, pointer);
      expected[i] = pointer;
    }
    Arrays.sort(expected, Comparator.comparingInt(PackedRecordPointer::partitionId));
    int start = PartitionRadixSort.sort(array, n);
    long[] actual = new long[n];
    for (int i = 0; i < n; i++) {
      actual[i] = array.get(start + i);
    }
    assertArrayEquals(
        Arrays.stream(expected).mapToLong(Long::longValue).toArray(), actual, "seed " + seed);
  }

  @Test
  void emptyAndSingleInputsAreSorted() {
    LongArray array = new LongArray(MemoryBlock.fromLongArray(new long[2]));
    array.set(0, PackedRecordPointer.pack(0, 5));
    assertArrayEquals(new long[] {0}, new long[] {PartitionRadixSort.sort(array, 0)});
    assertArrayEquals(new long[] {0}, new long[] {PartitionRadixSort.sort(array, 1)});
  }

  @Test
  void refusesAnArrayWithoutScratchSpace() {
    LongArray array = new LongArray(MemoryBlock.fromLongArray(new long[10]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PartitionRadixSort.sort(array, 6));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("needs 12 slots"));
  }
}
