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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryReservationTest {
  private final TestMemoryManager memoryManager = new TestMemoryManager(new SparkConf(false));
  private final TaskMemoryManager taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
  private final MemoryReservation reservation = new MemoryReservation(taskMemoryManager, "test");

  @AfterEach
  void nothingLeaks() {
    reservation.releaseAll();
    assertEquals(0, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked memory");
  }

  @Test
  void tryGrowAsksForTwiceTheNeed() {
    assertTrue(reservation.tryGrow(1000));
    assertEquals(2000, reservation.reservedBytes());
    assertTrue(reservation.tryGrow(1500), "already covered");
    assertEquals(2000, reservation.reservedBytes());
  }

  @Test
  void scratchIsReservedExactlyAndReturnedDownToTheBufferReservation() {
    assertTrue(reservation.tryGrow(1000));
    long forTheBuffer = reservation.reservedBytes();

    assertTrue(reservation.tryGrowExactly(forTheBuffer + 300));
    assertEquals(forTheBuffer + 300, reservation.reservedBytes());
    assertEquals(forTheBuffer + 300, reservation.peakReservedBytes());
    reservation.releaseDownTo(forTheBuffer);

    assertEquals(forTheBuffer, reservation.reservedBytes());
    assertEquals(forTheBuffer, taskMemoryManager.getMemoryConsumptionForThisTask());
  }

  @Test
  void aShortExactGrantIsKeptAndReported() {
    memoryManager.limit(700);
    assertFalse(reservation.tryGrowExactly(1000));
    assertEquals(700, reservation.reservedBytes());
    reservation.releaseDownTo(0);
    assertEquals(0, taskMemoryManager.getMemoryConsumptionForThisTask());
  }

  @Test
  void aShortGrantIsKeptAndReleaseAllReturnsWhatWasHeld() {
    memoryManager.limit(1500);
    assertTrue(reservation.tryGrow(1000), "asked for 2000, got 1500: the need is covered");
    assertEquals(1500, reservation.reservedBytes());
    assertFalse(reservation.tryGrow(1600), "nothing left to grant");
    assertEquals(1500, reservation.releaseAll());
    assertEquals(0, reservation.releaseAll(), "idempotent");
  }

  @Test
  void aSpillRequestGoesToTheHandlerOnlyFromAnotherConsumerOnTheOwnerThread() throws Exception {
    long[] handled = new long[1];
    reservation.setSpillHandler(
        (requested, byItself) -> {
          handled[0]++;
          assertFalse(byItself);
          return reservation.releaseAll();
        });
    assertTrue(reservation.tryGrow(1000));
    assertEquals(0, reservation.spill(100, reservation), "its own request frees nothing");
    long[] fromOtherThread = new long[1];
    Thread other =
        new Thread(
            () -> {
              try {
                fromOtherThread[0] = reservation.spill(100, null);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    other.start();
    other.join();
    assertEquals(0, fromOtherThread[0], "a request from another thread frees nothing");
    assertEquals(0, handled[0]);
    assertEquals(
        2000, reservation.spill(100, null), "another consumer's request returns what was freed");
    assertEquals(1, handled[0]);
    assertEquals(0, reservation.reservedBytes());
  }
}
