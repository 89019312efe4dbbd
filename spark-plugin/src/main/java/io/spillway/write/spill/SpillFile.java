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

import java.io.File;
import org.apache.spark.storage.BlockId;

/**
 * A spill file on disk and where each partition lies in it.
 *
 * <pre>
 * SpillFile   := Segment(0) Segment(1) ... Segment(numPartitions - 1)
 * Segment(p)  := empty                      when partitionLengths[p] == 0
 *              | encrypt(compress(records)) format OUTPUT: one independent stream, exactly as
 *                                           Spark writes a shuffle block (wrapStream)
 *              | records                    format SERIALIZED: the serializer's bytes only;
 *                                           the merge compresses each partition once
 * </pre>
 *
 * There is no header or footer: an OUTPUT spill has the layout of a map output {@code .data}
 * file, which is what lets a single spill be moved into place and several be concatenated
 * partition by partition. SERIALIZED spills concatenate too (the serialized path's serializers
 * are relocatable), and need one compressing pass to become a map output. Lengths and offsets
 * are kept here in memory, not in the file, for the non-empty segments only ({@link
 * SegmentLengths}): a spill's memory follows its records, not the shuffle's partition count.
 *
 * @param file the file
 * @param blockId the temp block id the file's streams were wrapped with
 * @param segments bytes of each non-empty partition's segment, in partition order
 * @param records records in the file
 * @param format how the segments are encoded
 */
public record SpillFile(File file, BlockId blockId, SegmentLengths segments, long records,
    SegmentFormat format) {

  /** How a spill's segments are encoded. */
  public enum SegmentFormat {
    /** Compressed and encrypted per segment with {@code SerializerManager.wrapStream}. */
    OUTPUT,
    /**
     * The serializer's bytes, neither compressed nor encrypted. Chosen for spills of many tiny
     * segments, where a codec stream per segment costs more than the data (see
     * {@code SpillingMapOutputBuffer#chooseSegmentFormat}).
     */
    SERIALIZED
  }

  /**
   * Bytes of every partition's segment, empty ones included: a new array of {@code
   * numPartitions} longs, for moving a single spill into place as the map output.
   */
  public long[] partitionLengths() {
    return segments.toArray();
  }

  public long totalBytes() {
    return segments.totalBytes();
  }
}
