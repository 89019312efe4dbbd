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
package io.spillway.spill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentIndexTest {

  @Test
  void keepsOnlyNonEmptySegmentsAndTheirOffsets() {
    SegmentIndex segments = new SegmentIndex(10);
    segments.add(0, 0);
    segments.add(2, 5);
    segments.add(3, 0);
    segments.add(7, 11);
    segments.add(9, 1);
    assertEquals(3, segments.segmentCount());
    assertEquals(17, segments.totalBytes());
    assertArrayEquals(new long[] {0, 0, 5, 0, 0, 0, 0, 11, 0, 1}, segments.toArray());

    SegmentIndex.Cursor cursor = segments.cursor();
    assertEquals(2, cursor.segment());
    assertEquals(0, cursor.offset());
    assertEquals(5, cursor.length());
    cursor.advance();
    assertEquals(7, cursor.segment());
    assertEquals(5, cursor.offset());
    cursor.advance();
    assertEquals(9, cursor.segment());
    assertEquals(16, cursor.offset());
    cursor.advance();
    assertEquals(-1, cursor.segment());
  }

  @Test
  void matchesADenseArrayOnRandomData() {
    SplittableRandom random = new SplittableRandom(42);
    int numPartitions = 100_000;
    long[] dense = new long[numPartitions];
    SegmentIndex segments = new SegmentIndex(numPartitions);
    for (int p = 0; p < numPartitions; p++) {
      long length = random.nextInt(10) < 8 ? 0 : 1 + random.nextInt(1_000);
      dense[p] = length;
      segments.add(p, length);
    }
    assertArrayEquals(dense, segments.toArray());
    long offset = 0;
    SegmentIndex.Cursor cursor = segments.cursor();
    for (int p = 0; p < numPartitions; p++) {
      if (dense[p] > 0) {
        assertEquals(p, cursor.segment());
        assertEquals(offset, cursor.offset());
        assertEquals(dense[p], cursor.length());
        cursor.advance();
      }
      offset += dense[p];
    }
    assertEquals(-1, cursor.segment());
  }

  @Test
  void theLargestShuffleNeedsNoPerPartitionArray() {
    SegmentIndex segments = new SegmentIndex(Integer.MAX_VALUE);
    segments.add(0, 3);
    segments.add(Integer.MAX_VALUE - 1, 4);
    assertEquals(2, segments.segmentCount());
    assertEquals(7, segments.totalBytes());
  }

  @Test
  void rejectsOutOfOrderAndOutOfRangePartitions() {
    SegmentIndex segments = new SegmentIndex(4);
    segments.add(2, 1);
    assertThrows(IllegalStateException.class, () -> segments.add(2, 1));
    assertThrows(IllegalStateException.class, () -> segments.add(1, 1));
    assertThrows(IllegalArgumentException.class, () -> segments.add(4, 1));
    assertThrows(IllegalArgumentException.class, () -> segments.add(3, -1));
  }
}
