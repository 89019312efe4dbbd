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

  /**
   * Counts {@code length} bytes written around this stream, straight to the file below it (a
   * transferTo into its channel, after a flush).
   */
  public void countWrittenAround(long length) {
    bytesWritten += length;
  }
}
