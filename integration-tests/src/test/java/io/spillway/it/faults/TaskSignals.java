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

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Files through which a task in an executor JVM and the test on the driver meet (they share the
 * machine, not the JVM). A task {@linkplain #signal signals} by writing a named file that says
 * which process it runs in, then may {@linkplain #awaitRelease wait} until the test {@linkplain
 * #release releases} it, or kills its JVM. Only a task's first attempt in its stage's first
 * attempt takes part ({@link #firstAttempt}), so the recomputation after the fault runs freely.
 */
final class TaskSignals implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long POLL_MILLIS = 20;
  private static final String RELEASE = "release";

  /** What a task reported: its JVM and the executor's block manager directories. */
  record Signal(String name, long pid, String executorId, List<Path> blockManagerDirs) {}

  private final String directory;

  TaskSignals(Path directory) {
    try {
      this.directory = Files.createDirectories(directory).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }

  // ---- task side (runs on an executor) ----

  /** True in a task's first attempt of its stage's first attempt. */
  static boolean firstAttempt() {
    TaskContext task = TaskContext.get();
    return task.stageAttemptNumber() == 0 && task.attemptNumber() == 0;
  }

  /** Writes signal {@code name}: this JVM's pid, the executor id, the block manager dirs. */
  void signal(String name) {
    File[] dirs = SparkEnv.get().blockManager().diskBlockManager().localDirs();
    String content =
        ProcessHandle.current().pid()
            + "\n"
            + SparkEnv.get().executorId()
            + "\n"
            + Arrays.stream(dirs)
                .map(File::getAbsolutePath)
                .collect(Collectors.joining(File.pathSeparator));
    Path target = Path.of(directory, name);
    Path temp = Path.of(directory, "." + name + ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write signal " + target, e);
    }
  }

  /**
   * Blocks until the test calls {@link #release}. A task that is meant to be killed here and is
   * not fails after a generous time, with a message saying so.
   */
  void awaitRelease() {
    long deadline = System.nanoTime() + FaultCluster.GENEROUS_TIMEOUT_MILLIS * 1_000_000L;
    while (!released()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the test neither released nor killed this task within "
                + FaultCluster.GENEROUS_TIMEOUT_MILLIS
                + " ms (signals in "
                + directory
                + ")");
      }
      sleep();
    }
  }

  /**
   * {@code records}, except that in the first attempt it signals {@code name} after
   * {@code count} records and blocks until released or killed.
   */
  <T> Iterator<T> blockAfter(Iterator<T> records, int count, String name) {
    if (!firstAttempt()) {
      return records;
    }
    return new Iterator<>() {
      private int returned;

      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public T next() {
        if (returned++ == count) {
          signal(name);
          awaitRelease();
        }
        return records.next();
      }
    };
  }

  /**
   * {@code records}, except that in the first attempt it signals {@code name} once they are
   * exhausted: by then the task has read all of its input, and what it read is fixed.
   */
  <T> Iterator<T> signalWhenExhausted(Iterator<T> records, String name) {
    if (!firstAttempt()) {
      return records;
    }
    return new Iterator<>() {
      private boolean signalled;

      @Override
      public boolean hasNext() {
        boolean more = records.hasNext();
        if (!more && !signalled) {
          signalled = true;
          signal(name);
        }
        return more;
      }

      @Override
      public T next() {
        return records.next();
      }
    };
  }

  // ---- driver side (the test) ----

  /** Lets every waiting task go on, and every later first attempt pass without waiting. */
  void release() {
    try {
      Files.writeString(Path.of(directory, RELEASE), "released");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release tasks in " + directory, e);
    }
  }

  boolean released() {
    return Files.exists(Path.of(directory, RELEASE));
  }

  /**
   * Waits until {@code count} signals whose names start with {@code prefix} exist. Fails at once
   * with the job's error if {@code job} ends first.
   */
  List<Signal> awaitSignals(String prefix, int count, Future<?> job) {
    long deadline = System.nanoTime() + FaultCluster.GENEROUS_TIMEOUT_MILLIS * 1_000_000L;
    while (true) {
      List<Signal> signals = read(prefix);
      if (signals.size() >= count) {
        return signals;
      }
      if (job.isDone()) {
        throw new AssertionError(
            "the job ended before "
                + count
                + " task(s) signalled '"
                + prefix
                + "*' (got "
                + signals
                + "): "
                + outcome(job));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only "
                + signals.size()
                + " of "
                + count
                + " task(s) signalled '"
                + prefix
                + "*' within "
                + FaultCluster.GENEROUS_TIMEOUT_MILLIS
                + " ms: "
                + signals);
      }
      sleep();
    }
  }

  /** The signals whose names start with {@code prefix} that exist now (no waiting). */
  List<Signal> signalled(String prefix) {
    return read(prefix);
  }

  private List<Signal> read(String prefix) {
    List<Signal> signals = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(directory))) {
      for (Path file : files.sorted().collect(Collectors.toList())) {
        String name = file.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
        List<Path> dirs =
            Arrays.stream(lines[2].split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .collect(Collectors.toList());
        signals.add(new Signal(name, Long.parseLong(lines[0]), lines[1], dirs));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read signals in " + directory, e);
    }
    return signals;
  }

  private static String outcome(Future<?> job) {
    try {
      job.get();
      return "it succeeded";
    } catch (ExecutionException e) {
      return "it failed: " + e.getCause();
    } catch (Exception e) {
      return "it ended: " + e;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
