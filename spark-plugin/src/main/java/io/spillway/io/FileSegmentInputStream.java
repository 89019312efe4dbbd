package io.spillway.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the byte range {@code [start, start + length)} of a file through a shared
 * {@link FileChannel}, with positional reads (so several segments of one file can be read
 * without reopening it) and its own buffer. Closing the stream does not close the channel.
 */
public final class FileSegmentInputStream extends InputStream {
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private long nextFilePosition;
  private final long endFilePosition;

  public FileSegmentInputStream(FileChannel channel, long start, long length, int bufferSizeBytes) {
    if (start < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Segment must have start >= 0 and length >= 0; got start=" + start + ", length=" + length);
    }
    this.channel = channel;
    this.nextFilePosition = start;
    this.endFilePosition = start + length;
    this.buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(bufferSizeBytes, length)));
    this.buffer.flip();
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buffer.get() & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(length, buffer.remaining());
    buffer.get(target, offset, n);
    return n;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, buffer.remaining() + (endFilePosition - nextFilePosition));
  }

  private boolean fill() throws IOException {
    if (buffer.hasRemaining()) {
      return true;
    }
    long left = endFilePosition - nextFilePosition;
    if (left <= 0) {
      return false;
    }
    buffer.clear();
    if (left < buffer.capacity()) {
      buffer.limit((int) left);
    }
    int read = channel.read(buffer, nextFilePosition);
    if (read < 0) {
      throw new EOFException("File ended at " + nextFilePosition + " inside a segment that should end at "
          + endFilePosition);
    }
    nextFilePosition += read;
    buffer.flip();
    return buffer.hasRemaining();
  }
}
