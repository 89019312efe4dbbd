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

import java.io.File;
import java.io.IOException;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.BlockId;

/**
 * One spill write: a run of segments in a {@link SpillFile} and where each one lies in it. Every
 * spill file of Spillway has this layout, map side and reduce side:
 *
 * <pre>
 * write      := segment(first) ... segment(last)      back to back from segments.startOffset,
 *                                                     no header, no footer
 * segment(i) := empty                                 not in the index: zero bytes
 *             | wrapStream(blockId, records)          format WRAPPED: one independent
 *                                                     serializer stream, compressed and
 *                                                     encrypted on its own as Spark does for
 *                                                     the block id's type
 *             | records                               format SERIALIZED: the serializer's
 *                                                     bytes only (map side; the merge
 *                                                     compresses each partition once)
 * record     := [key][value]                          pairs: map output records, a combiner's
 *                                                     or a sorter's pairs
 *             | [value]                               not pairs: an ExternalList's values
 * </pre>
 *
 * <p>Map side (bytes mode, {@code TempShuffleBlockId}): one segment per partition, so a WRAPPED
 * spill has the layout of a map output {@code .data} file, which is what lets a single spill be
 * moved into place and several be concatenated partition by partition; SERIALIZED spills
 * concatenate too (the serialized path's serializers are relocatable) and need one compressing
 * pass to become a map output. Reduce side (records mode, {@code TempLocalBlockId}): one segment
 * per hash partition of a combiner's spill, one per sorted run, one per spill of a list's values
 * (appended to the list's own file, so a write may start after earlier ones).
 *
 * <p>Offsets, lengths and (records mode) record counts are kept in memory in the
 * {@link SegmentIndex}, for the non-empty segments only, not in the file: a spill's memory
 * follows its records, not the partition count, and a reader reads exactly the records a segment
 * holds without an end-of-stream marker; any segment can be read without the others.
 *
 * @param spillFile the file and the block id its segments were wrapped with
 * @param segments where each non-empty segment lies
 * @param records records in this write
 * @param format how the segments are encoded
 * @param pairs whether records are key/value pairs or single values
 */
public record Spill(
    SpillFile spillFile, SegmentIndex segments, long records, SegmentFormat format, boolean pairs) {

  /** How a spill's segments are encoded. */
  public enum SegmentFormat {
    /**
     * Compressed and encrypted per segment with {@code SerializerManager.wrapStream}; on the map
     * side exactly a map output block.
     */
    WRAPPED,
    /**
     * The serializer's bytes, neither compressed nor encrypted. Chosen by the merge plan for
     * map-side spills of many tiny segments, where a codec stream per segment costs more than the
     * data.
     */
    SERIALIZED
  }

  public File file() {
    return spillFile.file();
  }

  public BlockId blockId() {
    return spillFile.blockId();
  }

  /** Bytes this write added to the file. */
  public long totalBytes() {
    return segments.totalBytes();
  }

  /**
   * Bytes of every segment, empty ones included: a new array of {@code numSegments} longs, for
   * moving a single map-side spill into place as the map output.
   */
  public long[] partitionLengths() {
    return segments.toArray();
  }

  /** Records in segment {@code segment} (records mode). */
  public long recordCount(int segment) {
    return segments.recordCount(segment);
  }

  /** Opens one segment's records for reading; the caller closes the reader. */
  public SpillReader openSegment(
      int segment,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      int bufferBytes)
      throws IOException {
    return SpillReader.records(
        this, segment, segment + 1, serializerManager, serializer, bufferBytes);
  }

  /** Opens every segment's records for reading in order, through one file handle. */
  public SpillReader openAll(
      SerializerManager serializerManager, SerializerInstance serializer, int bufferBytes)
      throws IOException {
    return SpillReader.records(
        this, 0, segments.numSegments(), serializerManager, serializer, bufferBytes);
  }
}
