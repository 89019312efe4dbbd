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
package io.spillway.write;

import io.spillway.io.Closeables;
import io.spillway.write.merge.MergeTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.ShufflePartitionWriter;
import org.apache.spark.shuffle.api.WritableByteChannelWrapper;

/**
 * The merge's view of the map output: each partition through Spark's {@code
 * ShuffleMapOutputWriter} (its partition writers, a channel when the IO plugin offers one). When
 * the output's bytes must update checksums, partitions are written as streams through them.
 */
final class MapOutputTarget implements MergeTarget {
  private final ShuffleMapOutputWriter output;
  private final Checksum[] checksums;

  /** @param checksums one per partition, or an empty array when none is to be updated */
  MapOutputTarget(ShuffleMapOutputWriter output, Checksum[] checksums) {
    this.output = output;
    this.checksums = checksums;
  }

  @Override
  public PartitionOutput openPartition(int partitionId) throws IOException {
    ShufflePartitionWriter writer = output.getPartitionWriter(partitionId);
    return new PartitionOutput() {
      private WritableByteChannelWrapper channelWrapper;
      private OutputStream stream;

      @Override
      public WritableByteChannel channel() throws IOException {
        if (checksums.length > 0) {
          return null; // bytes must pass a checksum: use the stream
        }
        channelWrapper = writer.openChannelWrapper().orElse(null);
        return channelWrapper == null ? null : channelWrapper.channel();
      }

      @Override
      public OutputStream stream() throws IOException {
        stream = writer.openStream();
        if (checksums.length > 0) {
          stream = new CheckedOutputStream(stream, checksums[partitionId]);
        }
        return stream;
      }

      @Override
      public void close() throws IOException {
        Closeables.closeAll(channelWrapper, stream);
      }
    };
  }
}
