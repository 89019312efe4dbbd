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
package io.spillway.it.edge;

import static org.junit.jupiter.api.Assertions.fail;

import io.spillway.it.ItConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/** Settings and small helpers the edge-case tests share. */
final class EdgeSupport {

  static final String JAVA_SERIALIZER = "org.apache.spark.serializer.JavaSerializer";
  static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

  /** The module's build directory (surefire runs in the module directory). */
  static final Path TARGET = Paths.get("target").toAbsolutePath();

  private static final AtomicInteger DIRECTORIES = new AtomicInteger();

  private EdgeSupport() {}

  /**
   * A new, empty directory under {@code target/edge} for one test or one SparkContext. Directories
   * of the same name left by earlier test JVMs are deleted first, so they do not pile up; those of
   * this JVM stay until it ends, for a look after a failure.
   */
  static Path freshDirectory(String name) {
    Path parent = TARGET.resolve("edge");
    String thisJvm = name + "-" + ProcessHandle.current().pid() + "-";
    Path directory = parent.resolve(thisJvm + DIRECTORIES.incrementAndGet());
    try {
      Files.createDirectories(parent);
      try (Stream<Path> earlier = Files.list(parent)) {
        for (Path old : earlier.collect(Collectors.toList())) {
          String oldName = old.getFileName().toString();
          if (oldName.matches(Pattern.quote(name) + "-\\d+-\\d+") && !oldName.startsWith(thisJvm)) {
            FileCensus.deleteRecursively(old);
          }
        }
      }
      FileCensus.deleteRecursively(directory);
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return directory;
  }

  /**
   * A local-mode (or cluster) conf on the manager under test, failing tasks on leaked memory, with
   * its own {@code spark.local.dir} so the test can list every file the shuffle writes. Shuffles
   * without map-side combine never take Spark's bypass-merge writer, so "sort" runs spill too.
   */
  static SparkConf conf(String master, String appName, Path localDir, String serializer) {
    return ItConfig.useManagerUnderTest(new SparkConf())
        .setMaster(master)
        .setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.local.dir", localDir.toString())
        .set("spark.serializer", serializer)
        .set("spark.shuffle.sort.bypassMergeThreshold", "0");
  }

  /**
   * Inside a task: returns only by throwing {@code TaskKilledException} once Spark kills the task;
   * a task that is never killed fails after {@code giveUpMillis} (the test then fails too).
   */
  static void waitToBeKilled(TaskContext context, long giveUpMillis) {
    long giveUpNanos = System.nanoTime() + giveUpMillis * 1_000_000L;
    while (System.nanoTime() - giveUpNanos < 0) {
      context.killTaskIfInterrupted();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        context.killTaskIfInterrupted(); // throws TaskKilledException when killed
        throw new IllegalStateException("interrupted but not killed", e);
      }
    }
  }

  /** Execution memory (on- and off-heap) in use in this JVM's executor: local mode only. */
  static long executionMemoryUsed() {
    return SparkEnv.get().memoryManager().executionMemoryUsed();
  }

  /**
   * Waits for something another thread or process does (a task reaching a point, an event being
   * delivered, a file appearing). Never a timing assumption: the timeout is only the point at
   * which the test gives up and says what it was waiting for.
   */
  static void await(
      String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail(
            "gave up after "
                + timeoutMillis
                + " ms waiting for "
                + what
                + "; state: "
                + state.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
