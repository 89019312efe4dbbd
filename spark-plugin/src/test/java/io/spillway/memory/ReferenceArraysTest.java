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
