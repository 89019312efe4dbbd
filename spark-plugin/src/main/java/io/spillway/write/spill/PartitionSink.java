package io.spillway.write.spill;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Receives a sorted run partition by partition. {@link #openPartition} is called with strictly
 * increasing ids, only for partitions that have records; the returned stream already compresses
 * and encrypts like Spark's, and closing it ends the partition's segment.
 */
public interface PartitionSink {
  OutputStream openPartition(int partitionId) throws IOException;
}
