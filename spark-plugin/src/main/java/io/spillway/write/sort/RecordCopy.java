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

import java.nio.ByteOrder;
import org.apache.spark.unsafe.Platform;

/**
 * The copies of single records between memory (a caller's buffer or row, a page) that both
 * layouts make once per record, and the big-endian size prefix of {@link
 * io.spillway.io.SizePrefixedRecordSink}.
 *
 * <p>Why not {@link Platform#copyMemory} for every copy: shuffle records are often a few dozen
 * bytes (a SQL row of two longs is 4 + 24), and each {@code Unsafe.copyMemory} call checks both
 * of its bases (that an on-heap base is an array of primitives) before copying, which a profile
 * showed beside the copies themselves ({@code
 * docs/benchmarks/history/jmh-write-size-prefixed-7abe478.md}). Up to {@link #SHORT_COPY_BYTES} bytes are
 * therefore copied here eight at a time, where the hardware allows unaligned access (x86, arm64).
 */
final class RecordCopy {
  /** Longest copy done here 8 bytes at a time; longer ones go to {@code Unsafe.copyMemory}. */
  static final int SHORT_COPY_BYTES = 128;

  private static final boolean UNALIGNED = Platform.unaligned();
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private RecordCopy() {}

  /** Copies {@code length} bytes; the two ranges must not overlap. */
  static void copy(Object src, long srcOffset, Object dst, long dstOffset, int length) {
    if (length > SHORT_COPY_BYTES || !UNALIGNED) {
      Platform.copyMemory(src, srcOffset, dst, dstOffset, length);
      return;
    }
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      Platform.putLong(dst, dstOffset + i, Platform.getLong(src, srcOffset + i));
    }
    for (; i < length; i++) {
      Platform.putByte(dst, dstOffset + i, Platform.getByte(src, srcOffset + i));
    }
  }

  /** Writes {@code size} as 4 big-endian bytes at {@code base + offset}. */
  static void putBigEndianInt(Object base, long offset, int size) {
    if (UNALIGNED) {
      Platform.putInt(base, offset, LITTLE_ENDIAN ? Integer.reverseBytes(size) : size);
    } else {
      Platform.putByte(base, offset, (byte) (size >>> 24));
      Platform.putByte(base, offset + 1, (byte) (size >>> 16));
      Platform.putByte(base, offset + 2, (byte) (size >>> 8));
      Platform.putByte(base, offset + 3, (byte) size);
    }
  }
}
