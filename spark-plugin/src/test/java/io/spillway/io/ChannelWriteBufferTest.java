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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChannelWriteBuffer} against the files' own bytes, across targets and direct writes. */
class ChannelWriteBufferTest {
  @TempDir Path dir;

  @Test
  void writeBufferKeepsOrderAcrossTargetsAndDirectWrites() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Random random = new Random(11);
    ByteArrayOutputStream expectedA = new ByteArrayOutputStream();
    ByteArrayOutputStream expectedB = new ByteArrayOutputStream();
    ChannelWriteBuffer buffer = new ChannelWriteBuffer(100);
    try (FileChannel channelA =
            FileChannel.open(a, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileChannel channelB =
            FileChannel.open(b, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 500; i++) {
        boolean toA = i % 3 != 0;
        buffer.target(toA ? channelA : channelB);
        byte[] bytes =
            new byte[random.nextInt(10) == 0 ? 150 + random.nextInt(200) : random.nextInt(40)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
          buffer.write(bytes[0]);
          buffer.write(bytes, 1, bytes.length - 1);
        } else {
          buffer.write(bytes);
        }
        (toA ? expectedA : expectedB).write(bytes);
        if (random.nextInt(7) == 0) {
          // a direct channel write, as a transferTo would do, after a flush
          buffer.flush();
          byte[] direct = {(byte) i, (byte) (i >> 8)};
          (toA ? channelA : channelB).write(java.nio.ByteBuffer.wrap(direct));
          (toA ? expectedA : expectedB).write(direct);
        }
      }
      buffer.close();
    }
    assertArrayEquals(expectedA.toByteArray(), Files.readAllBytes(a));
    assertArrayEquals(expectedB.toByteArray(), Files.readAllBytes(b));
    assertEquals(false, Arrays.equals(expectedA.toByteArray(), expectedB.toByteArray()));
  }
}
