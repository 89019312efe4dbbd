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
package io.spillway.spill;

import io.spillway.io.Closeables;
import io.spillway.io.CountingOutputStream;
import io.spillway.io.NamedFileOutputStream;
import io.spillway.io.NonClosingOutputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Writes one {@link Spill} (the layout is drawn there), in one of two modes:
 *
 * <pre>
 * bytes mode    (map side)  openPartition(p) -> serialized record bytes, in increasing p
 *   WRAPPED:     bytes -> compress -> encrypt -> [partition checksum] -> count -> buffer -> file
 *   SERIALIZED:  bytes ---------------------------------------------> count -> buffer -> file
 *   encoded:     bytes already in the spill's format (a merge round) -> count -> buffer -> file,
 *                or transferTo into the file's channel (openPartitionChannel)
 * records mode  (reduce side)  beginSegment(); write(k, v) | write(v) ...; endSegment()
 *   WRAPPED:     records -> serializer stream -> compress -> encrypt -> count -> buffer -> file
 * </pre>
 *
 * In bytes mode the caller serializes and the segment id is the partition; in records mode the
 * writer serializes, segments are numbered 0, 1, ... in the order they are begun, and each
 * segment's record count goes into the index. A segment without bytes costs nothing: its
 * stream (and codec frame) is never opened. A failure to write (a full disk) names the spill
 * file ({@link NamedFileOutputStream}). On failure call {@link #abort(Throwable)} (or {@link
 * #close()}); the file stays tracked by the {@link io.spillway.io.TempFileTracker} that created
 * it.
 *
 * <p>Checksums (bytes mode) see the bytes as stored, like Spark's {@code .checksum} files:
 * updating the same per-partition {@link Checksum} across all of a task's spills, in spill
 * order, yields the checksum of their concatenation, which is what a transferTo merge writes.
 */
public final class SpillWriter implements PartitionSink, Closeable {

  @SuppressWarnings("unchecked")
  private static final ClassTag<Object> ANY =
      (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Any();

  private static final Checksum[] NO_CHECKSUMS = new Checksum[0];

  private final SpillFile spillFile;
  private final SerializerManager serializerManager;
  private final Spill.SegmentFormat format;

  /** Whether segments are wrapped here (WRAPPED, unless the bytes come encoded). */
  private final boolean wraps;

  private final Checksum[] partitionChecksums;

  /** Records mode's serializer; null in bytes mode. */
  private final SerializerInstance serializer;

  private final boolean pairs;
  private final FileOutputStream fileStream;
  private final CountingOutputStream fileBytes;
  private final SegmentIndex segments;
  private int openSegment = -1;
  private long openSegmentStart;

  /** The channel position where the open segment's channel writes began, or -1. */
  private long channelSegmentStart = -1;

  private long records;
  private boolean closed;
  // records mode
  private int nextSegment;
  private boolean segmentBegun;
  private SerializationStream recordStream;
  private long segmentRecords;

  private SpillWriter(
      SpillFile spillFile,
      SerializerManager serializerManager,
      Spill.SegmentFormat format,
      Checksum[] partitionChecksums,
      SerializerInstance serializer,
      boolean pairs,
      int numSegments,
      boolean append,
      int bufferBytes)
      throws IOException {
    this.spillFile = spillFile;
    this.serializerManager = serializerManager;
    this.format = format;
    this.wraps = serializerManager != null && format == Spill.SegmentFormat.WRAPPED;
    this.partitionChecksums = partitionChecksums;
    this.serializer = serializer;
    this.pairs = pairs;
    long startOffset = append ? spillFile.file().length() : 0L;
    this.fileStream = new NamedFileOutputStream(spillFile.file(), append);
    this.fileBytes =
        new CountingOutputStream(new BufferedOutputStream(fileStream, bufferBytes), startOffset);
    this.segments = new SegmentIndex(numSegments, startOffset, serializer != null);
  }

  /**
   * A bytes-mode writer of one map-side spill: a segment per partition of {@code numPartitions}.
   *
   * @param format WRAPPED: each segment wrapped like a shuffle block; SERIALIZED: bytes as given
   * @param partitionChecksums one per partition, updated with the bytes written; an empty array
   *     when checksums are off
   */
  public static SpillWriter bytes(
      SpillFile spillFile,
      int numPartitions,
      SerializerManager serializerManager,
      Spill.SegmentFormat format,
      Checksum[] partitionChecksums,
      int bufferBytes)
      throws IOException {
    return new SpillWriter(
        spillFile,
        serializerManager,
        format,
        partitionChecksums,
        null,
        true,
        numPartitions,
        false,
        bufferBytes);
  }

  /**
   * A records-mode writer: WRAPPED segments of serialized records.
   *
   * @param append whether to write after the file's current end (a list's later spills)
   * @param pairs key/value records ({@link #write(Object, Object)}) or single values ({@link
   *     #write(Object)})
   */
  public static SpillWriter records(
      SpillFile spillFile,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      int bufferBytes,
      boolean append,
      boolean pairs)
      throws IOException {
    return new SpillWriter(
        spillFile,
        serializerManager,
        Spill.SegmentFormat.WRAPPED,
        NO_CHECKSUMS,
        java.util.Objects.requireNonNull(serializer, "serializer is null"),
        pairs,
        Integer.MAX_VALUE,
        append,
        bufferBytes);
  }

  /**
   * A bytes-mode writer of bytes already encoded as {@code format}, a merge round's output into
   * an intermediate spill: nothing is wrapped or checksummed here, and a segment may be written
   * through the file's channel ({@link #openPartitionChannel}).
   */
  public static SpillWriter encoded(
      SpillFile spillFile, int numPartitions, Spill.SegmentFormat format, int bufferBytes)
      throws IOException {
    return new SpillWriter(
        spillFile, null, format, NO_CHECKSUMS, null, true, numPartitions, false, bufferBytes);
  }

  // ---- bytes mode -----------------------------------------------------------------------------

  /**
   * Starts partition {@code partitionId}'s segment, to be written through the file's channel
   * (transferTo); only for a writer of {@link #encoded} bytes. Ends the previous segment.
   */
  public WritableByteChannel openPartitionChannel(int partitionId) throws IOException {
    if (wraps || serializer != null || partitionChecksums.length > 0) {
      throw new IllegalStateException("only encoded bytes may bypass the segment stream");
    }
    openPartition(partitionId);
    fileBytes.flush();
    FileChannel channel = fileStream.getChannel();
    channelSegmentStart = channel.position();
    return channel;
  }

  /** Starts partition {@code partitionId}'s segment (bytes mode); ends the previous one. */
  @Override
  public OutputStream openPartition(int partitionId) throws IOException {
    if (serializer != null) {
      throw new IllegalStateException("a records-mode writer serializes its own segments");
    }
    endBytesSegment();
    return openSegmentStream(partitionId);
  }

  /** Flushes the file and returns what was written (bytes mode); the writer is closed after. */
  public Spill finish(long recordCount) throws IOException {
    endBytesSegment();
    records = recordCount;
    return finishFile();
  }

  private void endBytesSegment() throws IOException {
    if (channelSegmentStart >= 0) {
      fileBytes.countWrittenAround(fileStream.getChannel().position() - channelSegmentStart);
      channelSegmentStart = -1;
    }
    if (openSegment >= 0) {
      segments.add(openSegment, fileBytes.bytesWritten() - openSegmentStart);
    }
  }

  // ---- records mode ---------------------------------------------------------------------------

  /** Starts the next segment (records mode). */
  public void beginSegment() {
    assert !segmentBegun : "endSegment() was not called";
    assert serializer != null : "a bytes-mode writer has no record segments";
    segmentBegun = true;
    segmentRecords = 0;
  }

  /** Writes one key/value record (a writer opened with {@code pairs == true}). */
  public void write(Object key, Object value) throws IOException {
    assert pairs : "this writer writes single values";
    SerializationStream out = recordStream();
    out.writeKey(key, ANY);
    out.writeValue(value, ANY);
    segmentRecords++;
  }

  /** Writes one single-value record (a writer opened with {@code pairs == false}). */
  public void write(Object value) throws IOException {
    assert !pairs : "this writer writes key/value pairs";
    recordStream().writeObject(value, ANY);
    segmentRecords++;
  }

  /** Ends the current segment (records mode); a segment without records costs no bytes. */
  public void endSegment() throws IOException {
    assert segmentBegun : "beginSegment() was not called";
    int segment = nextSegment++;
    segmentBegun = false;
    if (recordStream != null) {
      // Closing the serializer stream finishes the codec frame; the shield keeps the file open.
      recordStream.close();
      recordStream = null;
      segments.add(segment, fileBytes.bytesWritten() - openSegmentStart, segmentRecords);
      records += segmentRecords;
    }
  }

  /** Flushes and closes the file; returns what was written (records mode). */
  public Spill finish() throws IOException {
    assert !segmentBegun : "endSegment() was not called";
    return finishFile();
  }

  private SerializationStream recordStream() throws IOException {
    assert segmentBegun : "beginSegment() was not called";
    if (recordStream == null) {
      // Opened lazily so that empty segments write no stream header or compression frame.
      recordStream = serializer.serializeStream(openSegmentStream(nextSegment));
    }
    return recordStream;
  }

  // ---- both -----------------------------------------------------------------------------------

  private OutputStream openSegmentStream(int segment) {
    if (segment <= openSegment) {
      throw new IllegalStateException(
          "Segments must be written in increasing order: " + segment + " after " + openSegment);
    }
    openSegment = segment;
    openSegmentStart = fileBytes.bytesWritten();
    OutputStream belowCodec =
        partitionChecksums.length == 0
            ? new NonClosingOutputStream(fileBytes)
            : new CheckedOutputStream(
                new NonClosingOutputStream(fileBytes), partitionChecksums[segment]);
    return wraps ? serializerManager.wrapStream(spillFile.blockId(), belowCodec) : belowCodec;
  }

  private Spill finishFile() throws IOException {
    closed = true;
    try (OutputStream toClose = fileBytes) {
      fileBytes.flush();
    }
    return new Spill(spillFile, segments, records, format, pairs);
  }

  /**
   * Closes the streams after a failure, without finishing the file; close failures are attached
   * to {@code failure}.
   */
  public void abort(Throwable failure) {
    SerializationStream open = recordStream;
    recordStream = null;
    Closeables.runAll(failure, open == null ? null : open::close, this::close);
  }

  /** Closes the file without finishing it (on failure; the tracker deletes it). */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      fileStream.close();
    }
  }
}
