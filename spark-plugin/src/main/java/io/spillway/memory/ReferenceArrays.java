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

import org.apache.spark.util.SizeEstimator;

/**
 * Heap bytes of arrays in this JVM, the one source of reference and array sizes: an
 * {@code Object[]}'s are measured once with Spark's {@link SizeEstimator}:
 * a reference is 4 bytes with compressed oops (heaps under 32 GiB) and 8 without, so it is
 * measured, not assumed. For structures that know their arrays' lengths exactly (hash tables,
 * record buffers) and add them to sampled estimates of what the arrays point to.
 */
public final class ReferenceArrays {
  private static final long HEADER_BYTES = SizeEstimator.estimate(new Object[0]);

  /** Bytes per slot (4 with compressed oops, else 8). */
  private static final long REFERENCE_BYTES =
      (SizeEstimator.estimate(new Object[64]) - HEADER_BYTES) / 64;

  private ReferenceArrays() {}

  /** Bytes of a reference array of {@code length} slots. */
  public static long bytes(long length) {
    return HEADER_BYTES + REFERENCE_BYTES * length;
  }

  /** Bytes of one reference (4 with compressed oops, else 8). */
  public static long referenceBytes() {
    return REFERENCE_BYTES;
  }

  /**
   * Bytes of a primitive array of {@code length} elements of {@code elementBytes} each ({@code
   * int[]}: 4, {@code long[]}: 8): the same header as a reference array's, padded to 8 bytes.
   */
  public static long primitiveArrayBytes(long length, int elementBytes) {
    return (HEADER_BYTES + elementBytes * length + 7) & ~7L;
  }
}
