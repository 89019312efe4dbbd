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
package io.spillway.bench;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.ShufflePartitionWriter;
import org.apache.spark.shuffle.api.SingleSpillShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.WritableByteChannelWrapper;
import org.apache.spark.shuffle.api.metadata.MapOutputCommitMessage;

/**
 * Spark's shuffle IO API over one real file per map output, for micro benchmarks of the write
 * path without a BlockManager: partitions are appended to {@code <directory>/map-<id>.data}
 * through one buffered stream, or through the file's channel when the writer asks for one (so the
 * transferTo merge really does file-to-file transfers). As Spark's local-disk writer does, a
 * partition's stream counts the bytes written through it and closing it flushes nothing: with
 * 20,000 partitions of about 1 KB each, a flush and a channel position per partition would be a
 * system call per KB that a real map task does not make. Only asking for a channel flushes the
 * buffered bytes first. No index file, no single-spill move: every map output goes through the
 * merge. {@link #lastOutputBytes} is the size of the last commit; with {@link #keepLastOutput},
 * {@link #lastOutput} and {@link #lastLengths} are its bytes and partition lengths (the blocks a
 * reducer would fetch). Keeping them reads the file back and allocates its size on the heap, which
 * a map task does not do: a benchmark keeps them only while it sets up.
 */
final class FileShuffleOutput implements ShuffleExecutorComponents {
  private final File directory;
  long lastOutputBytes;

  /** Whether commits keep their bytes; a benchmark turns it off after its set-up. */
  boolean keepLastOutput;

  byte[] lastOutput;
  long[] lastLengths;

  FileShuffleOutput(File directory) {
    this(directory, false);
  }

  FileShuffleOutput(File directory, boolean keepLastOutput) {
    this.directory = directory;
    this.keepLastOutput = keepLastOutput;
  }

  @Override
  public void initializeExecutor(String appId, String execId, Map<String, String> extraConfigs) {}

  @Override
  public Optional<SingleSpillShuffleMapOutputWriter> createSingleFileMapOutputWriter(
      int shuffleId, long mapId) {
    return Optional.empty();
  }

  @Override
  public ShuffleMapOutputWriter createMapOutputWriter(
      int shuffleId, long mapTaskId, int numPartitions) throws IOException {
    File file = new File(directory, "map-" + mapTaskId + ".data");
    FileOutputStream fileStream = new FileOutputStream(file);
    FileChannel channel = fileStream.getChannel();
    OutputStream buffered = new BufferedOutputStream(fileStream, 64 * 1024);
    long[] lengths = new long[numPartitions];
    return new ShuffleMapOutputWriter() {
      @Override
      public ShufflePartitionWriter getPartitionWriter(int partitionId) {
        return new ShufflePartitionWriter() {
          @Override
          public OutputStream openStream() {
            return new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                buffered.write(b);
                lengths[partitionId]++;
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                buffered.write(b, off, len);
                lengths[partitionId] += len;
              }

              @Override
              public void close() {
                // the bytes stay buffered, as in Spark's local-disk writer
              }
            };
          }

          @Override
          public Optional<WritableByteChannelWrapper> openChannelWrapper() throws IOException {
            buffered.flush();
            long start = channel.position();
            return Optional.of(
                new WritableByteChannelWrapper() {
                  @Override
                  public WritableByteChannel channel() {
                    return channel;
                  }

                  @Override
                  public void close() throws IOException {
                    lengths[partitionId] = channel.position() - start;
                  }
                });
          }

          @Override
          public long getNumBytesWritten() {
            return lengths[partitionId];
          }
        };
      }

      @Override
      public MapOutputCommitMessage commitAllPartitions(long[] checksums) throws IOException {
        buffered.flush();
        lastOutputBytes = channel.position();
        fileStream.close();
        if (keepLastOutput) {
          lastOutput = java.nio.file.Files.readAllBytes(file.toPath());
          lastLengths = lengths.clone();
        }
        if (!file.delete()) {
          throw new IOException("Could not delete " + file);
        }
        return MapOutputCommitMessage.of(lengths);
      }

      @Override
      public void abort(Throwable error) throws IOException {
        fileStream.close();
        file.delete();
      }
    };
  }
}
