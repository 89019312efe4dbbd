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

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link ReferenceArrays} against what the JVM really allocates, not against the estimator it is
 * computed from: the bytes this thread allocates for one {@code new Object[length]}, as the
 * HotSpot thread allocation counter reports them (exact, TLAB or not). Even lengths need no
 * padding with either reference size, so the two must agree to the byte.
 */
class ReferenceArraysTest {

  /** Keeps each array reachable, so the allocation cannot be optimised away. */
  static volatile Object[] sink;

  @Test
  void matchesTheBytesTheJvmAllocatesForReferenceArrays() {
    for (int length : new int[] {0, 2, 64, 1_000, 262_144}) {
      assertEquals(allocatedBytes(length), ReferenceArrays.bytes(length), "Object[" + length + "]");
    }
  }

  /** Bytes allocated by {@code new Object[length]}: the least of a few measurements. */
  private static long allocatedBytes(int length) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long threadId = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    for (int attempt = 0; attempt < 5; attempt++) {
      long start = threads.getThreadAllocatedBytes(threadId);
      long nothing = threads.getThreadAllocatedBytes(threadId) - start;
      long before = threads.getThreadAllocatedBytes(threadId);
      sink = new Object[length];
      long after = threads.getThreadAllocatedBytes(threadId);
      best = Math.min(best, after - before - nothing);
    }
    return best;
  }
}
