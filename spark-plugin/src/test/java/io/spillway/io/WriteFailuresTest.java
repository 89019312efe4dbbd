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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write failure names the file it could not write; interruptions stay as they are. */
class WriteFailuresTest {

  @TempDir Path directory;

  /** Linux's {@code /dev/full} fails every write with ENOSPC, as a full disk does. */
  @Test
  void aFullDiskIsReportedWithTheFileItCouldNotWrite() throws IOException {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs Linux's /dev/full");
    File spill = Files.createSymbolicLink(directory.resolve("temp_shuffle_1"), devFull).toFile();

    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (OutputStream out =
                  new BufferedOutputStream(new NamedFileOutputStream(spill, false))) {
                out.write(new byte[100_000]);
              }
            });
    assertEquals("Cannot write " + spill.getPath() + ": No space left on device", e.getMessage());
    assertEquals(
        "No space left on device", e.getCause().getMessage(), "the JDK's error is the cause");
  }

  @Test
  void interruptionsAreNotWrapped() {
    IOException interrupted = new InterruptedIOException("interrupted");
    IOException closedByInterrupt = new ClosedByInterruptException();
    assertSame(interrupted, WriteFailures.naming(interrupted, new File("/tmp/x")));
    assertSame(closedByInterrupt, WriteFailures.naming(closedByInterrupt, new File("/tmp/x")));
  }

  @Test
  void aFailureThatNamesTheFileAlreadyIsKept() {
    IOException named = WriteFailures.naming(new IOException("No space left on device"), "/tmp/x");
    assertEquals("Cannot write /tmp/x: No space left on device", named.getMessage());
    assertSame(named, WriteFailures.naming(named, "/tmp/x"));
  }
}
