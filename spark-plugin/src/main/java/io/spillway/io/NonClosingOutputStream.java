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

/**
 * Passes writes through and shields the stream below from {@code flush()} and {@code close()},
 * so that one compression/encryption stream per partition can be stacked on a buffered file
 * stream that outlives it. Closing the partition's stream finishes its frames without forcing the
 * file's buffer out: with 20,000 partitions that is 20,000 small writes saved per spill.
 */
public final class NonClosingOutputStream extends FilterOutputStream {
  public NonClosingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
  }

  @Override
  public void flush() {
    // shielded: the owner of the stream below flushes it once, when the file is complete
  }

  @Override
  public void close() {
    // shielded: see flush()
  }
}
