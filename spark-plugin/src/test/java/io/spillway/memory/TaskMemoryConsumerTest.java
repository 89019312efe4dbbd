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
package io.spillway.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.memory.SparkOutOfMemoryError;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.unsafe.memory.MemoryBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Page requests that shrink to what the memory manager can grant, down to what is required. */
class TaskMemoryConsumerTest {
  private static final long PAGE = 1 << 20;

  private final TestMemoryManager memoryManager = new TestMemoryManager(new SparkConf(false));
  private final TaskMemoryManager taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
  private final TaskMemoryConsumer memory = TaskMemoryConsumer.tungsten(taskMemoryManager);

  @AfterEach
  void noLeakedMemory() {
    assertEquals(0, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
  }

  @Test
  void aPageShrinksBelowThePageSizeToWhatCanBeGranted() {
    memoryManager.limit(300 * 1024);
    MemoryBlock page = memory.allocateDataPageShrinking(PAGE, 64 * 1024);
    // 1 MiB and 512 KiB cannot be had; 256 KiB can
    assertEquals(256 * 1024, page.size());
    assertEquals(page.size(), memory.getUsed());
    assertTrue(memory.peakUsedBytes() >= page.size());
    memory.freeDataPage(page);
    assertEquals(0, memory.getUsed());
  }

  @Test
  void notEvenTheRequiredBytesIsAnOutOfMemoryError() {
    memoryManager.limit(16 * 1024);
    SparkOutOfMemoryError e =
        assertThrows(
            SparkOutOfMemoryError.class, () -> memory.allocateDataPageShrinking(PAGE, 64 * 1024));
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
    assertEquals(0, memory.getUsed());
  }

  @Test
  void aFullPageWhenThereIsRoom() {
    MemoryBlock page = memory.allocateDataPageShrinking(PAGE, 100);
    assertEquals(PAGE, page.size());
    memory.freeDataPage(page);
  }
}
