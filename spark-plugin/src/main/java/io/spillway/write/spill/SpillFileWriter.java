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

import io.spillway.io.CountingOutputStream;
import io.spillway.io.NamedFileOutputStream;
import io.spillway.io.NonClosingOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.serializer.SerializerManager;

/**
 * Writes one {@link SpillFile}: a segment per partition, in format OUTPUT each an independent
 * stream wrapped by {@link SerializerManager#wrapStream} with the spill's temp block id.
 *
 * <pre>
 * OUTPUT:      record bytes -> compress -> encrypt -> [partition checksum] -> count -> buffer -> file
 * SERIALIZED:  record bytes --------------------------------------------> count -> buffer -> file
 * </pre>
 *
 * A failure to write (a full disk) names the spill file ({@link NamedFileOutputStream}).
 *
 * The checksum sees the bytes as stored, like Spark's {@code .checksum} files: updating the same
 * per-partition {@link Checksum} across all of a task's spills, in spill order, yields the
 * checksum of their concatenation, which is what a transferTo merge writes.
 */
public final class SpillFileWriter implements PartitionSink, java.io.Closeable {
  private final SpillLocation location;
  private final SerializerManager serializerManager;
  private final SpillFile.SegmentFormat format;
  private final Checksum[] partitionChecksums;
  private final CountingOutputStream fileBytes;
  private final OutputStream fileStream;
  private final SegmentLengths segments;
  private int openPartition = -1;
  private long openPartitionStart;
  private boolean closed;

  /**
   * @param format OUTPUT: each segment wrapped like a shuffle block; SERIALIZED: bytes as given
   * @param partitionChecksums one per partition, updated with the bytes written; an empty array
   *     when checksums are off
   */
  public SpillFileWriter(SpillLocation location, int numPartitions,
      SerializerManager serializerManager, SpillFile.SegmentFormat format,
      Checksum[] partitionChecksums, int bufferSizeBytes) throws IOException {
    this.location = location;
    this.serializerManager = serializerManager;
    this.format = format;
    this.partitionChecksums = partitionChecksums;
    this.fileStream = new NamedFileOutputStream(location.file(), false);
    this.fileBytes = new CountingOutputStream(new BufferedOutputStream(fileStream, bufferSizeBytes));
    this.segments = new SegmentLengths(numPartitions);
  }

  @Override
  public OutputStream openPartition(int partitionId) throws IOException {
    if (partitionId <= openPartition) {
      throw new IllegalStateException("Partitions must be written in increasing order: "
          + partitionId + " after " + openPartition);
    }
    endOpenPartition();
    openPartition = partitionId;
    openPartitionStart = fileBytes.bytesWritten();
    OutputStream belowCodec = partitionChecksums.length == 0
        ? new NonClosingOutputStream(fileBytes)
        : new CheckedOutputStream(new NonClosingOutputStream(fileBytes),
            partitionChecksums[partitionId]);
    return format == SpillFile.SegmentFormat.OUTPUT
        ? serializerManager.wrapStream(location.blockId(), belowCodec)
        : belowCodec;
  }

  /** Flushes the file and returns what was written; the writer is closed afterwards. */
  public SpillFile finish(long records) throws IOException {
    endOpenPartition();
    closed = true;
    try (OutputStream toClose = fileBytes) {
      fileBytes.flush();
    }
    return new SpillFile(location.file(), location.blockId(), segments, records, format);
  }

  /** Closes the file without finishing it (on failure; the tracker deletes it). */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      fileStream.close();
    }
  }

  private void endOpenPartition() {
    if (openPartition >= 0) {
      segments.add(openPartition, fileBytes.bytesWritten() - openPartitionStart);
    }
  }
}
