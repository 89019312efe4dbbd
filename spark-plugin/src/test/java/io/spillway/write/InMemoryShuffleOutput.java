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

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.ShufflePartitionWriter;
import org.apache.spark.shuffle.api.SingleSpillShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.WritableByteChannelWrapper;
import org.apache.spark.shuffle.api.metadata.MapOutputCommitMessage;

/**
 * A hand-written fake of Spark's shuffle IO API that keeps each committed map output in memory:
 * the bytes of every partition exactly as a storage plugin would receive them, and the checksums
 * passed at commit. It enforces the API's contract (increasing partition ids, stream or channel
 * but not both, one commit or abort).
 */
final class InMemoryShuffleOutput implements ShuffleExecutorComponents {

  /** One committed map output. */
  static final class MapOutput {
    final byte[][] partitions;
    final long[] checksums;
    final boolean movedFromSpill;

    MapOutput(byte[][] partitions, long[] checksums, boolean movedFromSpill) {
      this.partitions = partitions;
      this.checksums = checksums;
      this.movedFromSpill = movedFromSpill;
    }
  }

  final Map<Long, MapOutput> committed = new HashMap<>();
  int aborted;
  boolean offerSingleSpillMove = true;

  /** When set, every write to a partition's stream or channel fails with this message. */
  String failWritesWith;

  /** When set, committing a map output fails with this message. */
  String failCommitWith;

  @Override
  public void initializeExecutor(String appId, String execId, Map<String, String> extraConfigs) {}

  @Override
  public ShuffleMapOutputWriter createMapOutputWriter(
      int shuffleId, long mapTaskId, int numPartitions) {
    return new Writer(mapTaskId, numPartitions);
  }

  @Override
  public Optional<SingleSpillShuffleMapOutputWriter> createSingleFileMapOutputWriter(
      int shuffleId, long mapId) {
    if (!offerSingleSpillMove) {
      return Optional.empty();
    }
    return Optional.of(
        (File spill, long[] partitionLengths, long[] checksums) -> {
          byte[] bytes = Files.readAllBytes(spill.toPath());
          Files.delete(spill.toPath()); // a move: the file is the output's now
          byte[][] partitions = new byte[partitionLengths.length][];
          int offset = 0;
          for (int p = 0; p < partitionLengths.length; p++) {
            partitions[p] = Arrays.copyOfRange(bytes, offset, offset + (int) partitionLengths[p]);
            offset += (int) partitionLengths[p];
          }
          if (offset != bytes.length) {
            throw new IOException(
                "Partition lengths add up to "
                    + offset
                    + " but the spill has "
                    + bytes.length
                    + " bytes");
          }
          committed.put(mapId, new MapOutput(partitions, checksums.clone(), true));
        });
  }

  private final class Writer implements ShuffleMapOutputWriter {
    private final long mapId;
    private final ByteArrayOutputStream[] partitions;
    private int lastPartition = -1;
    private boolean done;

    Writer(long mapId, int numPartitions) {
      this.mapId = mapId;
      this.partitions = new ByteArrayOutputStream[numPartitions];
    }

    @Override
    public ShufflePartitionWriter getPartitionWriter(int reducePartitionId) {
      if (reducePartitionId <= lastPartition) {
        throw new IllegalStateException(
            "Partition " + reducePartitionId + " after " + lastPartition);
      }
      lastPartition = reducePartitionId;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      partitions[reducePartitionId] = bytes;
      return new ShufflePartitionWriter() {
        private boolean opened;

        @Override
        public OutputStream openStream() {
          markOpened();
          return failWritesWith == null ? bytes : failingStream();
        }

        @Override
        public Optional<WritableByteChannelWrapper> openChannelWrapper() {
          markOpened();
          WritableByteChannel channel =
              Channels.newChannel(failWritesWith == null ? bytes : failingStream());
          return Optional.of(
              new WritableByteChannelWrapper() {
                @Override
                public WritableByteChannel channel() {
                  return channel;
                }

                @Override
                public void close() throws IOException {
                  channel.close();
                }
              });
        }

        @Override
        public long getNumBytesWritten() {
          return bytes.size();
        }

        private void markOpened() {
          if (opened) {
            throw new IllegalStateException("Partition " + reducePartitionId + " opened twice");
          }
          opened = true;
        }
      };
    }

    @Override
    public MapOutputCommitMessage commitAllPartitions(long[] checksums) throws IOException {
      if (done) {
        throw new IllegalStateException("committed twice");
      }
      if (failCommitWith != null) {
        throw new IOException(failCommitWith);
      }
      done = true;
      byte[][] bytes = new byte[partitions.length][];
      long[] lengths = new long[partitions.length];
      for (int p = 0; p < partitions.length; p++) {
        bytes[p] = partitions[p] == null ? new byte[0] : partitions[p].toByteArray();
        lengths[p] = bytes[p].length;
      }
      committed.put(mapId, new MapOutput(bytes, checksums.clone(), false));
      return MapOutputCommitMessage.of(lengths);
    }

    @Override
    public void abort(Throwable error) {
      done = true;
      aborted++;
    }
  }

  private OutputStream failingStream() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException(failWritesWith);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException(failWritesWith);
      }
    };
  }
}
