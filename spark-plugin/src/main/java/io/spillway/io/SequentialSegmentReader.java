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
package io.spillway.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads segments of one file, in increasing file order, through one reusable buffer.
 *
 * <p>A merge walks partitions 0..n-1 and takes each partition's segment from every spill, so per
 * spill file the segments are requested front to back. With many spills the segments are tiny
 * (hundreds of spills of hundreds of partitions: a few dozen bytes each). One transferTo or one
 * freshly buffered stream per segment then costs a system call per segment, and on JDK 17 a
 * file-to-file transferTo that the kernel refuses as sendfile falls back to an mmap/munmap pair
 * per call: measured, that dominated a merge of 250 spills. Here one positional read fills the
 * buffer and serves every segment that lies inside it:
 *
 * <pre>
 *   file    | p0 | p1 |  p2  | p3 |            p4 (large)             | p5 |
 *   buffer  [------ one read -------]
 *           p0..p3 are served from the buffer; p4 is refilled from its own start
 * </pre>
 *
 * <p>Segments must not overlap and must be requested at increasing positions (a request before
 * the buffer's window is still correct: it refills). One segment stream from {@link #open} may be
 * in use at a time. Closing the reader closes the channel.
 */
public final class SequentialSegmentReader implements Closeable {
  private final FileChannel channel;
  /** Holds the file's bytes {@code [windowStart, windowStart + buffer.limit())}. */
  private final ByteBuffer buffer;
  private long windowStart;

  public SequentialSegmentReader(FileChannel channel, int bufferSizeBytes) {
    if (bufferSizeBytes < 1) {
      throw new IllegalArgumentException("bufferSizeBytes must be positive: " + bufferSizeBytes);
    }
    this.channel = channel;
    this.buffer = ByteBuffer.allocate(bufferSizeBytes);
    this.buffer.limit(0);
  }

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
      throw new EOFException("File of " + channel.size() + " bytes ended at " + position
          + " inside a segment being read");
    }
    buffer.flip();
    windowStart = position;
    return 0;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
