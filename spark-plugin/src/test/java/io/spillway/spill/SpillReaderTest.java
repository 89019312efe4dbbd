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
package io.spillway.spill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SpillReader} in bytes mode against the file's own bytes:
 * segments of random lengths (empty, inside one buffer window, spanning several windows), with
 * buffers from 1 byte up, read both by copy and by stream.
 */
class SpillReaderTest {
  @TempDir Path dir;

  @Test
  void segmentsReadInFileOrderEqualTheFileBytes() throws IOException {
    Random random = new Random(7);
    byte[] content = new byte[200_000];
    random.nextBytes(content);
    Path file = dir.resolve("spill");
    Files.write(file, content);
    for (int bufferSize : new int[] {1, 7, 1024, 32 * 1024, 1 << 20}) {
      for (boolean byStream : new boolean[] {false, true}) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        try (SpillReader reader =
            SpillReader.bytes(FileChannel.open(file, StandardOpenOption.READ), bufferSize)) {
          int position = 0;
          while (position < content.length) {
            // mostly tiny segments, some gaps (segments of other spills' partitions are skipped
            // in a real merge only between files, but a reader must not care), some large ones
            int gap = random.nextInt(10) == 0 ? random.nextInt(100) : 0;
            position = Math.min(content.length, position + gap);
            int length =
                Math.min(
                    content.length - position,
                    random.nextInt(20) == 0 ? random.nextInt(50_000) : random.nextInt(64));
            expected.write(content, position, length);
            if (byStream) {
              try (InputStream in = reader.open(position, length)) {
                byte[] chunk = new byte[1 + random.nextInt(100)];
                int n;
                while ((n = random.nextBoolean() ? in.read(chunk) : single(in, chunk)) > 0) {
                  actual.write(chunk, 0, n);
                }
                assertEquals(-1, in.read(), "end of segment");
              }
            } else {
              reader.copyTo(position, length, actual);
            }
            position += length;
          }
        }
        assertArrayEquals(
            expected.toByteArray(),
            actual.toByteArray(),
            "buffer " + bufferSize + (byStream ? ", by stream" : ", by copy"));
      }
    }
  }

  private static int single(InputStream in, byte[] chunk) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    chunk[0] = (byte) b;
    return 1;
  }

  @Test
  void segmentPastTheEndOfTheFileFailsLoudly() throws IOException {
    Path file = dir.resolve("short");
    Files.write(file, new byte[100]);
    try (SpillReader reader =
        SpillReader.bytes(FileChannel.open(file, StandardOpenOption.READ), 16)) {
      EOFException e =
          assertThrows(
              EOFException.class, () -> reader.copyTo(90, 20, new ByteArrayOutputStream()));
      assertEquals(true, e.getMessage().contains("100 bytes"), e.getMessage());
    }
  }
}
