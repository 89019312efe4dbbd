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
package io.spillway.io;

/**
 * Takes records that are a size prefix followed by bytes held elsewhere, and stores them with
 * one copy of those bytes: the framing of Spark SQL's {@code UnsafeRowSerializer},
 *
 * <pre>
 * +----------------------------------+---------------------------+
 * | size (4 bytes, big-endian)       | size bytes                |
 * +----------------------------------+---------------------------+
 * </pre>
 *
 * A writer that already holds a record's bytes (an UnsafeRow) hands them over as they are,
 * instead of first framing them in a buffer of its own and having that buffer copied again.
 */
public interface SizePrefixedRecordSink {

  /**
   * Stores, in partition {@code partitionId}, the record made of {@code size} as 4 big-endian
   * bytes followed by the {@code size} bytes at {@code base + offset}: exactly what storing those
   * {@code 4 + size} bytes as one record would store.
   */
  void insertSizePrefixed(Object base, long offset, int size, int partitionId);
}
