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

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** Channel helpers. */
public final class Channels {
  private Channels() {}

  /**
   * Copies {@code length} bytes from {@code source} at {@code position} to {@code target} with
   * {@link FileChannel#transferTo}, looping because one call may move fewer bytes than asked
   * (the kernel caps a single sendfile/copy_file_range, 2 GiB on Linux).
   */
  public static void transferFully(
      FileChannel source, long position, long length, WritableByteChannel target)
      throws IOException {
    long copied = 0;
    while (copied < length) {
      long moved = source.transferTo(position + copied, length - copied, target);
      if (moved <= 0 && source.size() < position + length) {
        throw new IOException(
            "Source file is "
                + source.size()
                + " bytes, shorter than the segment ["
                + position
                + ", "
                + (position + length)
                + ") being copied");
      }
      copied += moved;
    }
  }
}
