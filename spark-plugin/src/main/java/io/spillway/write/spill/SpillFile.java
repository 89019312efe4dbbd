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
 *              | encrypt(compress(records)) one independent stream, exactly as Spark writes a
 *                                           shuffle block (SerializerManager.wrapStream)
 * </pre>
 *
 * There is no header or footer: a spill has the layout of a map output {@code .data} file, which
 * is what lets a single spill be moved into place and several be concatenated partition by
 * partition. Lengths and offsets are kept here in memory, not in the file.
 *
 * @param file the file
 * @param blockId the temp block id the file's streams were wrapped with
 * @param partitionLengths bytes of each partition's segment
 * @param records records in the file
 */
public record SpillFile(File file, BlockId blockId, long[] partitionLengths, long records) {

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
