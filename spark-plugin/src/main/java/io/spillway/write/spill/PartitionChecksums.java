package io.spillway.write.spill;

import java.util.zip.Checksum;
import org.apache.spark.network.shuffle.checksum.ShuffleChecksumHelper;

/**
 * Per-partition checksums ({@code spark.shuffle.checksum.*}) of map output bytes as stored, the
 * values Spark writes to the {@code .checksum.<ALGORITHM>} file for corruption diagnosis.
 * Disabled checksums are an empty array throughout, as in Spark's shuffle IO API.
 */
public final class PartitionChecksums {
  private PartitionChecksums() {}

  public static Checksum[] create(boolean enabled, String algorithm, int numPartitions) {
    return enabled
        ? ShuffleChecksumHelper.createPartitionChecksums(numPartitions, algorithm)
        : new Checksum[0];
  }

  public static long[] values(Checksum[] checksums) {
    long[] values = new long[checksums.length];
    for (int p = 0; p < checksums.length; p++) {
      values[p] = checksums[p].getValue();
    }
    return values;
  }
}
