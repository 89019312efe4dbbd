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
package io.spillway.rdd;

import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Measures how many reserved bytes a combiner released by spilling while it consumed its input,
 * for the task's {@code memoryBytesSpilled} metric. The combiners do not expose a per-spill
 * figure, but their reservation only shrinks during input when they spill (they release it all
 * and start again), so every drop seen between two input records is memory that was spilled.
 * A spill that happens right after a growth within one record is counted from the last
 * observation, so the figure can be a little low, never high.
 */
final class SpilledMemoryMeter {

  private final LongSupplier reservedBytes;
  private long lastReservedBytes;
  private long spilledBytes;

  SpilledMemoryMeter(LongSupplier reservedBytes) {
    this.reservedBytes = reservedBytes;
  }

  /** {@code input}, observing the reservation before each record is handed over. */
  <T> Iterator<T> observe(Iterator<T> input) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        sample();
        return input.hasNext();
      }

      @Override
      public T next() {
        return input.next();
      }
    };
  }

  /** Takes one observation now (the end of input counts too). */
  void sample() {
    long now = reservedBytes.getAsLong();
    if (now < lastReservedBytes) {
      spilledBytes += lastReservedBytes - now;
    }
    lastReservedBytes = now;
  }

  long spilledBytes() {
    return spilledBytes;
  }
}
