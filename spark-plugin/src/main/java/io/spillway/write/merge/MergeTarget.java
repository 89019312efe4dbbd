package io.spillway.write.merge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;

/**
 * Where one merge round writes: the map output (through Spark's {@code ShuffleMapOutputWriter})
 * or an intermediate spill file. Partitions are opened in increasing order, each at most once,
 * and either as a stream or as a channel.
 */
interface MergeTarget {

  /** The raw (already compressed and encrypted) bytes of one partition go here. */
  interface PartitionOutput extends AutoCloseable {
    /** A channel for transferTo, or null when the target only offers a stream. */
    WritableByteChannel channel() throws IOException;

    OutputStream stream() throws IOException;

    @Override
    void close() throws IOException;
  }

  PartitionOutput openPartition(int partitionId) throws IOException;
}
