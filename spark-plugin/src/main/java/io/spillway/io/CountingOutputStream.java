package io.spillway.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the bytes that reach the underlying stream. */
public final class CountingOutputStream extends FilterOutputStream {
  private long bytesWritten;

  public CountingOutputStream(OutputStream out) {
    super(out);
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
