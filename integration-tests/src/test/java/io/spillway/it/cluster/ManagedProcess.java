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
package io.spillway.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One started OS process and its log files, which the test owns until {@link #close}: stopping
 * it stops its whole process tree.
 *
 * <p>Why the tree: a Worker's executors are its child processes, and a driver may start children
 * too. {@link Process#destroy} signals only the process itself; once it is gone its children are
 * re-parented and can no longer be found from it. So the descendants are listed <em>before</em>
 * anything is signalled, all of them get SIGTERM (Spark's shutdown hooks run), and whatever is
 * still alive after a grace period gets SIGKILL.
 *
 * <p>Every live instance is also in a static registry that one JVM shutdown hook drains, the
 * backstop for a test JVM that exits without reaching its {@code @AfterAll}.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (ManagedProcess process : List.copyOf(LIVE)) {
                    process.destroyTree(Duration.ofSeconds(5));
                  }
                },
                "spillway-it-process-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final List<String> command;

  private ManagedProcess(
      String name, Process process, Path stdout, Path stderr, List<String> command) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.command = command;
  }

  /**
   * Starts {@code command} in {@code directory}; standard output goes to {@code NAME.out} and
   * standard error (where Spark logs) to {@code NAME.log} in {@code logDirectory}.
   */
  public static ManagedProcess start(
      String name, JavaCommand command, Path directory, Path logDirectory) {
    Path out = logDirectory.resolve(name + ".out");
    Path log = logDirectory.resolve(name + ".log");
    try {
      Files.createDirectories(directory);
      Files.createDirectories(logDirectory);
      Files.writeString(log, "# " + command + "\n");
      Process process = command.processBuilder(directory, out, log).start();
      ManagedProcess managed = new ManagedProcess(name, process, out, log, command.command());
      LIVE.add(managed);
      return managed;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + command, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> command() {
    return command;
  }

  /** Standard output. */
  public Path stdout() {
    return stdout;
  }

  /** Standard error: Spark's log. */
  public Path log() {
    return stderr;
  }

  /** The exit code, or empty if the process is still running after {@code timeout}. */
  public java.util.OptionalInt waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue())
        : java.util.OptionalInt.empty();
  }

  public List<String> stdoutLines() {
    return readLines(stdout);
  }

  public List<String> logLines() {
    return readLines(stderr);
  }

  /** The last {@code count} lines of the log, for failure messages. */
  public String logTail(int count) {
    List<String> lines = logLines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** Stops the process and its descendants; see the class comment. Idempotent. */
  @Override
  public void close() {
    destroyTree(GRACE);
  }

  private void destroyTree(Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          handle.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception stillRunning) {
        // killed below
      }
    }
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
      }
    }
    LIVE.remove(this);
  }

  private static List<String> readLines(Path file) {
    try {
      // decoded leniently: the file may end in the middle of a character being written
      return Files.exists(file)
          ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList()
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ", log " + stderr + ")";
  }
}
