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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.memory.TaskMemoryConsumer;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.unsafe.memory.MemoryBlock;
import org.junit.jupiter.api.Test;

/** The limits drawn in {@link PackedRecordPointer}'s javadoc, pinned at their boundaries. */
class PackedRecordPointerTest {

  @Test
  void limitsAreTheDocumentedOnes() {
    assertEquals(16_777_215, PackedRecordPointer.MAXIMUM_PARTITION_ID);
    assertEquals(128L * 1024 * 1024, PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES);
    assertEquals(8192, 1 << PackedRecordPointer.PAGE_NUMBER_BITS);
  }

  @Test
  void largestPartitionPageAndOffsetRoundTrip() {
    long address = (8191L << 51) | (PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES - 1);
    long packed = PackedRecordPointer.pack(address, PackedRecordPointer.MAXIMUM_PARTITION_ID);
    assertEquals(PackedRecordPointer.MAXIMUM_PARTITION_ID, PackedRecordPointer.partitionId(packed));
    assertEquals(address, PackedRecordPointer.recordAddress(packed));
  }

  @Test
  void zeroRoundTrips() {
    long packed = PackedRecordPointer.pack(0, 0);
    assertEquals(0, packed);
    assertEquals(0, PackedRecordPointer.partitionId(packed));
    assertEquals(0, PackedRecordPointer.recordAddress(packed));
  }

  @Test
  void fieldsDoNotBleedIntoEachOther() {
    long address = (1L << 51) | 5;
    assertNotEquals(PackedRecordPointer.pack(address, 1), PackedRecordPointer.pack(address, 2));
    assertEquals(1, PackedRecordPointer.partitionId(PackedRecordPointer.pack((8191L << 51), 1)));
  }

  /**
   * What the asserts in {@code pack} guard: an offset of 128 MiB or more would lose its bit 27
   * (and land in another record), a partition id out of range would spill into the sign bit or be
   * cut. Tests run with {@code -ea}, so both must be refused.
   */
  @Test
  void offsetsPastTheMaximumAndPartitionIdsOutOfRangeAreRefused() {
    assertTrue(
        PackedRecordPointer.class.desiredAssertionStatus(),
        "assertions are off: the build runs tests with -ea");
    AssertionError offset =
        assertThrows(
            AssertionError.class,
            () -> PackedRecordPointer.pack(PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES, 0));
    assertTrue(offset.getMessage().contains("needs more than 27 bits"), offset.getMessage());
    assertThrows(
        AssertionError.class,
        () -> PackedRecordPointer.pack(0, PackedRecordPointer.MAXIMUM_PARTITION_ID + 1));
    assertThrows(AssertionError.class, () -> PackedRecordPointer.pack(0, -1));
  }

  @Test
  void realTaskMemoryAddressesRoundTripOnAndOffHeap() {
    for (boolean offHeap : new boolean[] {false, true}) {
      SparkConf conf =
          new SparkConf(false)
              .set("spark.memory.offHeap.enabled", String.valueOf(offHeap))
              .set("spark.memory.offHeap.size", "64m");
      TaskMemoryManager tmm = new TaskMemoryManager(new TestMemoryManager(conf), 0);
      assertEquals(offHeap ? MemoryMode.OFF_HEAP : MemoryMode.ON_HEAP, tmm.getTungstenMemoryMode());
      TaskMemoryConsumer consumer = TaskMemoryConsumer.tungsten(tmm);
      MemoryBlock page = consumer.allocateDataPage(1 << 20);
      long offset = page.getBaseOffset() + 12_345;
      long address = tmm.encodePageNumberAndOffset(page, offset);
      long packed = PackedRecordPointer.pack(address, 77);
      long unpacked = PackedRecordPointer.recordAddress(packed);
      assertEquals(77, PackedRecordPointer.partitionId(packed));
      assertEquals(page.getBaseObject(), tmm.getPage(unpacked));
      assertEquals(offset, tmm.getOffsetInPage(unpacked));
      consumer.freeDataPage(page);
      assertEquals(0, tmm.cleanUpAllAllocatedMemory());
    }
  }
}
