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
}
