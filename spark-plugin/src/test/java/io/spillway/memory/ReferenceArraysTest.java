package io.spillway.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.util.SizeEstimator;
import org.junit.jupiter.api.Test;

class ReferenceArraysTest {

  @Test
  void matchesSparksEstimateOfReferenceArrays() {
    for (int length : new int[] {0, 2, 64, 1_000, 262_144}) {
      assertEquals(SizeEstimator.estimate(new Object[length]), ReferenceArrays.bytes(length),
          "Object[" + length + "]");
    }
    // odd lengths: the JVM pads objects to 8 bytes, the table arithmetic does not
    long padded = SizeEstimator.estimate(new Object[7]);
    assertTrue(padded - ReferenceArrays.bytes(7) >= 0 && padded - ReferenceArrays.bytes(7) < 8);
  }
}
