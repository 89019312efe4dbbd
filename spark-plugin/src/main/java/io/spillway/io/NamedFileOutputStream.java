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

import java.io.File;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * A {@link FileOutputStream} whose write and close failures name the file
 * ({@link WriteFailures}): a full disk is reported with the path that could not be written,
 * also when the failure travels up through a compression codec or a serializer that wraps it.
 * Opening failures already name the file ({@link FileNotFoundException}). Writes through
 * {@link #getChannel()} are not covered.
 */
public final class NamedFileOutputStream extends FileOutputStream {
  private final File file;

  public NamedFileOutputStream(File file, boolean append) throws FileNotFoundException {
    super(file, append);
    this.file = file;
  }

  public File file() {
    return file;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      super.write(b);
    } catch (IOException e) {
      throw WriteFailures.naming(e, file);
    }
  }

  @Override
  public void write(byte[] bytes) throws IOException {
    try {
      super.write(bytes);
    } catch (IOException e) {
      throw WriteFailures.naming(e, file);
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    try {
      super.write(bytes, offset, length);
    } catch (IOException e) {
      throw WriteFailures.naming(e, file);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } catch (IOException e) {
      throw WriteFailures.naming(e, file);
    }
  }
}
