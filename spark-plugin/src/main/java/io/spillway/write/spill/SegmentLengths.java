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
package io.spillway.write.spill;

import java.util.Arrays;

/**
 * The byte lengths of the non-empty segments of one spill file, in partition order: memory
 * proportional to the segments written, not to the shuffle's partitions. A spill of a few
 * thousand records into 2^24 + 1 partitions (the object path) holds a few thousand entries here,
 * where a {@code long[numPartitions]} would take 128 MiB per spill.
 *
 * <pre>
 *   partitionIds[i]  ascending ids of the partitions that have bytes in the file
 *   lengths[i]       bytes of partition partitionIds[i]'s segment (> 0)
 *   segment i starts at lengths[0] + ... + lengths[i - 1]
 * </pre>
 *
 * Filled once, by the writer of the file, in increasing partition order; read-only afterwards.
 */
public final class SegmentLengths {
  private static final int INITIAL_CAPACITY = 16;

  private final int numPartitions;
  private int[] partitionIds = new int[INITIAL_CAPACITY];
  private long[] lengths = new long[INITIAL_CAPACITY];
  private int count;
  private long totalBytes;

  public SegmentLengths(int numPartitions) {
    if (numPartitions < 0) {
      throw new IllegalArgumentException("numPartitions must not be negative: " + numPartitions);
    }
    this.numPartitions = numPartitions;
  }

  /**
   * Records the segment of {@code partitionId}; a zero length records nothing. Partitions must
   * come in increasing order.
   */
  public void add(int partitionId, long lengthBytes) {
    if (partitionId < 0 || partitionId >= numPartitions) {
      throw new IllegalArgumentException("partition " + partitionId + " is outside [0, "
          + numPartitions + ")");
    }
    if (lengthBytes < 0) {
      throw new IllegalArgumentException("negative length " + lengthBytes + " of partition "
          + partitionId);
    }
    if (lengthBytes == 0) {
      return;
    }
    if (count > 0 && partitionId <= partitionIds[count - 1]) {
      throw new IllegalStateException("Partitions must be added in increasing order: "
          + partitionId + " after " + partitionIds[count - 1]);
    }
    if (count == partitionIds.length) {
      int capacity = (int) Math.min(Integer.MAX_VALUE - 8, 2L * count);
      partitionIds = Arrays.copyOf(partitionIds, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
    }
    partitionIds[count] = partitionId;
    lengths[count] = lengthBytes;
    count++;
    totalBytes += lengthBytes;
  }

  public int numPartitions() {
    return numPartitions;
  }

  /** Non-empty segments. */
  public int segmentCount() {
    return count;
  }

  /** The partition of the {@code index}-th non-empty segment. */
  public int partitionAt(int index) {
    return partitionIds[index];
  }

  /** The length of the {@code index}-th non-empty segment. */
  public long lengthAt(int index) {
    return lengths[index];
  }

  public long totalBytes() {
    return totalBytes;
  }

  /** Every partition's length, empty ones included: {@code numPartitions} longs. */
  public long[] toArray() {
    long[] all = new long[numPartitions];
    for (int i = 0; i < count; i++) {
      all[partitionIds[i]] = lengths[i];
    }
    return all;
  }

  /**
   * Walks the non-empty segments in partition order, with each one's offset in the file. Used by
   * a merge, which visits the partitions of several spills in step.
   */
  public Cursor cursor() {
    return new Cursor();
  }

  /** A position in the non-empty segments; {@link #partition()} is -1 after the last. */
  public final class Cursor {
    private int index;
    private long offset;

    private Cursor() {}

    /** The current segment's partition, or -1 when every segment was passed. */
    public int partition() {
      return index < count ? partitionIds[index] : -1;
    }

    /** The current segment's length in bytes. */
    public long length() {
      return lengths[index];
    }

    /** The current segment's byte offset in the file. */
    public long offset() {
      return offset;
    }

    /** Moves to the next non-empty segment. */
    public void advance() {
      offset += lengths[index];
      index++;
    }
  }
}
