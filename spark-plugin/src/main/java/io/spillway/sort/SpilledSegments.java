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
package io.spillway.sort;

import java.io.IOException;

import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;

/**
 * Where the segments of one spill write sit in their file. One write appends segments
 * {@code 0..n-1} back to back from {@code startOffset}:
 *
 * <pre>
 *   startOffset                 segmentEndOffsets[0]        segmentEndOffsets[1]    ...
 *   |-- segment 0 -------------|-- segment 1 --------------|-- ...
 *   segment i = wrapStream(blockId, serializer stream of recordCounts[i] records)
 *   record    = [key][value]    (writeKey/writeValue) when the write holds pairs,
 *               [object]        (writeObject) otherwise (an ExternalList's values)
 *   an empty segment (recordCounts[i] == 0) is zero bytes long
 * </pre>
 *
 * <p>Offsets and counts stay in memory (they are not in the file): a reader knows exactly how many
 * records to read, so no serializer has to signal end of stream. A hash-partitioned spill has one
 * segment per partition; a sorted run has one segment.
 */
public final class SpilledSegments {

  private final SpillFile spillFile;
  private final long startOffset;
  private final long[] segmentEndOffsets;
  private final long[] recordCounts;
  private final boolean pairs;

  SpilledSegments(
      SpillFile spillFile, long startOffset, long[] segmentEndOffsets, long[] recordCounts, boolean pairs) {
    this.pairs = pairs;
    this.spillFile = spillFile;
    this.startOffset = startOffset;
    this.segmentEndOffsets = segmentEndOffsets;
    this.recordCounts = recordCounts;
  }

  public SpillFile spillFile() {
    return spillFile;
  }

  /** Whether records are key/value pairs or single objects. */
  public boolean pairs() {
    return pairs;
  }

  public int segmentCount() {
    return segmentEndOffsets.length;
  }

  public long segmentStartOffset(int segment) {
    return segment == 0 ? startOffset : segmentEndOffsets[segment - 1];
  }

  public long segmentLengthBytes(int segment) {
    return segmentEndOffsets[segment] - segmentStartOffset(segment);
  }

  public long recordCount(int segment) {
    return recordCounts[segment];
  }

  public long totalRecordCount() {
    long total = 0;
    for (long count : recordCounts) {
      total += count;
    }
    return total;
  }

  /** Bytes this write added to the file. */
  public long lengthBytes() {
    return segmentEndOffsets.length == 0 ? 0 : segmentEndOffsets[segmentEndOffsets.length - 1] - startOffset;
  }

  /** Opens one segment for reading; the caller closes the reader. */
  public SegmentReader openSegment(
      int segment, SerializerManager serializerManager, SerializerInstance serializer, int bufferBytes)
      throws IOException {
    return new SegmentReader(this, segment, segment + 1, serializerManager, serializer, bufferBytes);
  }

  /** Opens all segments for reading in order, through one file handle. */
  public SegmentReader openAll(SerializerManager serializerManager, SerializerInstance serializer, int bufferBytes)
      throws IOException {
    return new SegmentReader(this, 0, segmentCount(), serializerManager, serializer, bufferBytes);
  }
}
