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
