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
package io.spillway.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A size-limited tmpfs mounted on a test directory ({@code mount -t tmpfs -o size=<n>m}), so a
 * job can fill its disk. When the machine does not allow mounting (not root, no mount
 * capability in a container), {@link #mount} aborts the test through JUnit's assumptions, with
 * the reason. {@link #close} unmounts lazily ({@code umount -l}).
 */
final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code sizeMiB} on the existing empty directory {@code mountPoint}. */
  static Tmpfs mount(Path mountPoint, int sizeMiB) throws IOException {
    String user = System.getProperty("user.name");
    Result result =
        run(
            List.of(
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + sizeMiB + "m",
                "tmpfs",
                mountPoint.toString()));
    Assumptions.assumeTrue(
        result.exitCode() == 0,
        () ->
            "skipped: cannot mount a "
                + sizeMiB
                + " MiB tmpfs on "
                + mountPoint
                + " as user "
                + user
                + " (mounting needs root or "
                + "CAP_SYS_ADMIN): "
                + result.output());
    Tmpfs tmpfs = new Tmpfs(mountPoint);
    String type = Files.getFileStore(mountPoint).type();
    if (!"tmpfs".equals(type)) {
      tmpfs.close();
      throw new IllegalStateException(
          "mount reported success but " + mountPoint + " is on " + type + ", not tmpfs");
    }
    return tmpfs;
  }

  Path mountPoint() {
    return mountPoint;
  }

  @Override
  public void close() throws IOException {
    Result result = run(List.of("umount", "-l", mountPoint.toString()));
    if (result.exitCode() != 0) {
      throw new IOException("umount -l " + mountPoint + " failed: " + result.output());
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(FaultCluster.GENEROUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), output.trim());
    } catch (IOException e) {
      return new Result(-1, String.join(" ", command) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
