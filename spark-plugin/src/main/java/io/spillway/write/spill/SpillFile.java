package io.spillway.write.spill;

import java.io.File;
import java.util.Arrays;
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
 * are kept here in memory, not in the file.
 *
 * @param file the file
 * @param blockId the temp block id the file's streams were wrapped with
 * @param partitionLengths bytes of each partition's segment
 * @param records records in the file
 * @param format how the segments are encoded
 */
public record SpillFile(File file, BlockId blockId, long[] partitionLengths, long records,
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

  /** Byte offset of partition {@code p}'s segment. */
  public long offsetOf(int partitionId) {
    long offset = 0;
    for (int p = 0; p < partitionId; p++) {
      offset += partitionLengths[p];
    }
    return offset;
  }

  /** Segment start offsets for every partition, plus the file length at the end. */
  public long[] partitionOffsets() {
    long[] offsets = new long[partitionLengths.length + 1];
    for (int p = 0; p < partitionLengths.length; p++) {
      offsets[p + 1] = offsets[p] + partitionLengths[p];
    }
    return offsets;
  }

  public long totalBytes() {
    return Arrays.stream(partitionLengths).sum();
  }
}
