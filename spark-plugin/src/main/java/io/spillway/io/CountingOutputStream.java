package io.spillway.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the bytes that reach the underlying stream. */
public final class CountingOutputStream extends FilterOutputStream {
  private long bytesWritten;

  public CountingOutputStream(OutputStream out) {
    this(out, 0);
  }

  /** Counts from {@code initialCount}, e.g. the length of a file being appended to. */
  public CountingOutputStream(OutputStream out, long initialCount) {
    super(out);
    this.bytesWritten = initialCount;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    bytesWritten++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    bytesWritten += length;
  }

  public long bytesWritten() {
    return bytesWritten;
  }
}
