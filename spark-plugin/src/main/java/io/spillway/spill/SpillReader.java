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
import java.io.Closeable;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Reads the segments of one spill file, in increasing file order, through one reusable buffer;
 * in one of two modes, like {@link SpillWriter}:
 *
 * <pre>
 * bytes mode    (the map-side merge)  copyTo(position, length, out) | open(position, length)
 * records mode  (reduce side)         advance(); key(); value() ... over consecutive segments of
 *                                     one Spill: each segment unwrapped and deserialized on its
 *                                     own, exactly its indexed record count read
 * </pre>
 *
 * <p>A merge walks partitions 0..n-1 and takes each partition's segment from every spill, so per
 * spill file the segments are requested front to back. With many spills the segments are tiny
 * (hundreds of spills of hundreds of partitions: a few dozen bytes each). A transferTo or a
 * freshly buffered stream per segment would cost a system call per segment, and on JDK 17 a
 * file-to-file transferTo that the kernel refuses as sendfile falls back to an mmap/munmap pair
 * per call. Here one positional read fills the buffer and serves every segment that lies inside
 * it:
 *
 * <pre>
 *   file    | p0 | p1 |  p2  | p3 |            p4 (large)             | p5 |
 *   buffer  [------ one read -------]
 *           p0..p3 are served from the buffer; p4 is refilled from its own start
 * </pre>
 *
 * <p>Segments must not overlap and should be requested at increasing positions (a request before
 * the buffer's window is still correct: it refills). One segment stream from {@link #open} may be
 * in use at a time. No object is allocated per record beyond what the serializer creates. Closing
 * the reader closes the file; a records-mode reader closes itself after its last record.
 */
public final class SpillReader implements Closeable {

  @SuppressWarnings("unchecked")
  private static final ClassTag<Object> ANY =
      (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Any();

  private final FileChannel channel;

  /** Holds the file's bytes {@code [windowStart, windowStart + buffer.limit())}. */
  private final ByteBuffer buffer;

  private long windowStart;
  private boolean closed;
  // records mode; null in bytes mode
  private final Spill spill;
  private final SegmentIndex.Cursor segments;
  private final SerializerManager serializerManager;
  private final SerializerInstance serializer;
  private DeserializationStream segmentStream;
  private long recordsLeftInSegment;
  private Object key;
  private Object value;

  private SpillReader(
      FileChannel channel,
      int bufferBytes,
      Spill spill,
      SegmentIndex.Cursor segments,
      SerializerManager serializerManager,
      SerializerInstance serializer) {
    if (bufferBytes < 1) {
      throw new IllegalArgumentException("bufferBytes must be positive: " + bufferBytes);
    }
    this.channel = channel;
    this.buffer = ByteBuffer.allocate(bufferBytes);
    this.buffer.limit(0);
    this.spill = spill;
    this.segments = segments;
    this.serializerManager = serializerManager;
    this.serializer = serializer;
  }

  /** A bytes-mode reader of {@code file}. */
  public static SpillReader bytes(File file, int bufferBytes) throws IOException {
    return bytes(FileChannel.open(file.toPath(), StandardOpenOption.READ), bufferBytes);
  }

  /** A bytes-mode reader of an open channel, which closing the reader closes. */
  public static SpillReader bytes(FileChannel channel, int bufferBytes) {
    return new SpillReader(channel, bufferBytes, null, null, null, null);
  }

  /** A records-mode reader of {@code spill}'s segments {@code [firstSegment, endSegment)}. */
  static SpillReader records(
      Spill spill,
      int firstSegment,
      int endSegment,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      int bufferBytes)
      throws IOException {
    FileChannel channel = FileChannel.open(spill.file().toPath(), StandardOpenOption.READ);
    try {
      return new SpillReader(
          channel,
          bufferBytes,
          spill,
          spill.segments().cursor(firstSegment, endSegment),
          serializerManager,
          serializer);
    } catch (RuntimeException | Error e) {
      Closeables.runAll(e, channel::close);
      throw e;
    }
  }

  // ---- bytes mode -----------------------------------------------------------------------------

  /** The underlying channel, for transferTo of segments larger than the buffer. */
  public FileChannel channel() {
    return channel;
  }

  /** Writes the file's bytes {@code [position, position + length)} to {@code out}. */
  public void copyTo(long position, long length, OutputStream out) throws IOException {
    long next = position;
    long end = position + length;
    while (next < end) {
      int offset = positionInWindow(next);
      int n = (int) Math.min(buffer.limit() - offset, end - next);
      out.write(buffer.array(), offset, n);
      next += n;
    }
  }

  /** A stream over {@code [position, position + length)}; closing it does not close the file. */
  public InputStream open(long position, long length) {
    return new InputStream() {
      private long next = position;
      private final long end = position + length;

      @Override
      public int read() throws IOException {
        if (next >= end) {
          return -1;
        }
        int offset = positionInWindow(next);
        next++;
        return buffer.array()[offset] & 0xFF;
      }

      @Override
      public int read(byte[] target, int targetOffset, int maxLength) throws IOException {
        if (maxLength == 0) {
          return 0;
        }
        if (next >= end) {
          return -1;
        }
        int offset = positionInWindow(next);
        int n = (int) Math.min(Math.min(maxLength, buffer.limit() - offset), end - next);
        System.arraycopy(buffer.array(), offset, target, targetOffset, n);
        next += n;
        return n;
      }

      @Override
      public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - next));
        next += skipped;
        return skipped;
      }

      @Override
      public int available() {
        long inWindow = windowStart + buffer.limit() - next;
        return (int) Math.max(0, Math.min(inWindow, end - next));
      }
    };
  }

  /**
   * The buffer index of file position {@code position}, refilling the buffer from
   * {@code position} when it is outside the current window. Always leaves at least one byte.
   */
  private int positionInWindow(long position) throws IOException {
    if (position >= windowStart && position < windowStart + buffer.limit()) {
      return (int) (position - windowStart);
    }
    buffer.clear();
    int read = 0;
    while (read == 0) {
      read = channel.read(buffer, position);
    }
    if (read < 0) {
      throw new EOFException(
          "File of "
              + channel.size()
              + " bytes ended at "
              + position
              + " inside a segment being read");
    }
    buffer.flip();
    windowStart = position;
    return 0;
  }

  // ---- records mode ---------------------------------------------------------------------------

  /** Moves to the next record; returns false (and closes the file) after the last one. */
  public boolean advance() throws IOException {
    while (recordsLeftInSegment == 0) {
      if (!nextSegment()) {
        close();
        return false;
      }
    }
    if (spill.pairs()) {
      key = segmentStream.readKey(ANY);
      value = segmentStream.readValue(ANY);
    } else {
      key = segmentStream.readObject(ANY);
    }
    recordsLeftInSegment--;
    return true;
  }

  /** The current record's key, or the value itself when records are single values. */
  public Object key() {
    return key;
  }

  public Object value() {
    return value;
  }

  private boolean nextSegment() throws IOException {
    if (segmentStream != null) {
      // Closes the segment's codec stream only: the segment's bytes are a view of the file.
      segmentStream.close();
      segmentStream = null;
    }
    if (closed || segments.segment() < 0) {
      return false;
    }
    recordsLeftInSegment = segments.records();
    segmentStream =
        serializer.deserializeStream(
            serializerManager.wrapStream(
                spill.blockId(), open(segments.offset(), segments.length())));
    segments.advance();
    return true;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    key = null;
    value = null;
    DeserializationStream open = segmentStream;
    segmentStream = null;
    Closeables.runAll(null, open == null ? null : open::close, channel::close);
  }
}
