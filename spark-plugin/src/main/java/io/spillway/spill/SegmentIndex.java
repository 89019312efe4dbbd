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
package io.spillway.spill;

import java.util.Arrays;

/**
 * Where the non-empty segments of one spill write lie in their file, in segment order: memory
 * proportional to the segments written, not to the segments there could be. A map-side spill of a
 * few thousand records into 2^24 + 1 partitions (the object path) holds a few thousand entries
 * here, where a {@code long[numPartitions]} would take 128 MiB per spill. The one index of every
 * {@link Spill}, map side and reduce side.
 *
 * <pre>
 *   ids[i]      ascending ids of the segments that have bytes (a partition, a hash partition,
 *               a sorted run's only segment, one spill of a list's values)
 *   ends[i]     file offset where segment ids[i] ends; it starts at ends[i - 1], segment 0 of
 *               the index at startOffset (0, or the file's length when a write appends)
 *   records[i]  records in segment ids[i]; kept only for writes in records mode, whose readers
 *               read exactly that many records (no end-of-stream marker in the file)
 * </pre>
 *
 * A segment id that is not in the index is empty: zero bytes, no records. Filled once, by the
 * writer of the file, in increasing segment order; read-only afterwards.
 */
public final class SegmentIndex {
  private static final int INITIAL_CAPACITY = 16;

  private final int numSegments;
  private final long startOffset;
  private final boolean countsRecords;
  private int[] ids = new int[INITIAL_CAPACITY];
  private long[] ends = new long[INITIAL_CAPACITY];
  private long[] records;
  private int count;

  /** An index of segments {@code [0, numSegments)} starting at offset 0, without record counts. */
  public SegmentIndex(int numSegments) {
    this(numSegments, 0, false);
  }

  SegmentIndex(int numSegments, long startOffset, boolean countsRecords) {
    if (numSegments < 0) {
      throw new IllegalArgumentException("numSegments must not be negative: " + numSegments);
    }
    this.numSegments = numSegments;
    this.startOffset = startOffset;
    this.countsRecords = countsRecords;
    this.records = countsRecords ? new long[INITIAL_CAPACITY] : null;
  }

  /**
   * Records the segment {@code segment} of {@code lengthBytes} bytes; a zero length records
   * nothing. Segments must come in increasing order.
   */
  public void add(int segment, long lengthBytes) {
    add(segment, lengthBytes, 0);
  }

  /**
   * Records the segment {@code segment}: {@code lengthBytes} bytes holding {@code recordCount}
   * records (counts are kept when the index counts records). An empty segment records nothing.
   */
  void add(int segment, long lengthBytes, long recordCount) {
    if (segment < 0 || segment >= numSegments) {
      throw new IllegalArgumentException(
          "segment " + segment + " is outside [0, " + numSegments + ")");
    }
    if (lengthBytes < 0) {
      throw new IllegalArgumentException(
          "negative length " + lengthBytes + " of segment " + segment);
    }
    if (lengthBytes == 0 && recordCount == 0) {
      return;
    }
    if (count > 0 && segment <= ids[count - 1]) {
      throw new IllegalStateException(
          "Segments must be added in increasing order: " + segment + " after " + ids[count - 1]);
    }
    if (count == ids.length) {
      int capacity = (int) Math.min(Integer.MAX_VALUE - 8, 2L * count);
      ids = Arrays.copyOf(ids, capacity);
      ends = Arrays.copyOf(ends, capacity);
      if (countsRecords) {
        records = Arrays.copyOf(records, capacity);
      }
    }
    ids[count] = segment;
    ends[count] = endOffset() + lengthBytes;
    if (countsRecords) {
      records[count] = recordCount;
    }
    count++;
  }

  /** The segments the index covers, empty ones included. */
  public int numSegments() {
    return numSegments;
  }

  /** Non-empty segments. */
  public int segmentCount() {
    return count;
  }

  /** Bytes of all segments. */
  public long totalBytes() {
    return endOffset() - startOffset;
  }

  /** Records in segment {@code segment}; 0 for an empty one. Records-mode writes only. */
  public long recordCount(int segment) {
    if (!countsRecords) {
      throw new IllegalStateException("this spill was written as bytes: no record counts");
    }
    int index = Arrays.binarySearch(ids, 0, count, segment);
    return index < 0 ? 0 : records[index];
  }

  /** Every segment's length, empty ones included: {@code numSegments} longs. */
  public long[] toArray() {
    long[] all = new long[numSegments];
    for (int i = 0; i < count; i++) {
      all[ids[i]] = ends[i] - startAt(i);
    }
    return all;
  }

  /**
   * Walks the non-empty segments in segment order, with each one's offset in the file. Used by
   * a merge, which visits the partitions of several spills in step, and by a records reader.
   */
  public Cursor cursor() {
    return new Cursor(0, count);
  }

  /** A cursor over the non-empty segments whose ids are in {@code [firstSegment, endSegment)}. */
  Cursor cursor(int firstSegment, int endSegment) {
    return new Cursor(lowerBound(firstSegment), lowerBound(endSegment));
  }

  private long endOffset() {
    return count == 0 ? startOffset : ends[count - 1];
  }

  private long startAt(int index) {
    return index == 0 ? startOffset : ends[index - 1];
  }

  /** The position of the first non-empty segment with an id of at least {@code segment}. */
  private int lowerBound(int segment) {
    int index = Arrays.binarySearch(ids, 0, count, segment);
    return index >= 0 ? index : -index - 1;
  }

  /** A position in the non-empty segments; {@link #segment()} is -1 after the last. */
  public final class Cursor {
    private int index;
    private final int end;

    private Cursor(int index, int end) {
      this.index = index;
      this.end = end;
    }

    /** The current segment's id (its partition on the map side), or -1 after the last. */
    public int segment() {
      return index < end ? ids[index] : -1;
    }

    /** The current segment's length in bytes. */
    public long length() {
      return ends[index] - startAt(index);
    }

    /** The current segment's byte offset in the file. */
    public long offset() {
      return startAt(index);
    }

    /** The current segment's records; records-mode writes only. */
    long records() {
      return records[index];
    }

    /** Moves to the next non-empty segment. */
    public void advance() {
      index++;
    }
  }
}
