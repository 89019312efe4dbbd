package io.spillway.io;

import java.io.ByteArrayOutputStream;

/** A {@link ByteArrayOutputStream} whose buffer can be read without a copy. */
public final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
  public ExposedByteArrayOutputStream(int initialSizeBytes) {
    super(initialSizeBytes);
  }

  /** The internal buffer; valid bytes are {@code [0, size())}. */
  public byte[] buffer() {
    return buf;
  }
}
