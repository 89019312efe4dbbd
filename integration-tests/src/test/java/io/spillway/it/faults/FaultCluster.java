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

import io.spillway.it.ItConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.TestUtils$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.Utils;
import org.apache.spark.util.Utils$;

/**
 * The setup the fault tests share: a {@code local-cluster} with the manager under test, a
 * {@code spark.local.dir} of the test's own under {@code target/faults/} (so the test can find,
 * damage and list the executors' shuffle files), and forced spills.
 *
 * <p>On {@code local-cluster} every Worker gives its executors an {@code executor-*} directory
 * under {@code spark.local.dir}, and each executor keeps its {@code blockmgr-*} there: the map
 * outputs ({@code shuffle_<shuffle>_<map>_0.data/.index/.checksum.*}) and spill files
 * ({@code temp_shuffle_*}) of both executors are all below the one directory.
 */
final class FaultCluster {

  /** Every sorter and combiner spills after this many records, whatever memory is left. */
  static final int FORCE_SPILL_ELEMENTS = 5000;

  /** Long enough for a loaded 2-core machine; nothing waits this long when things work. */
  static final long GENEROUS_TIMEOUT_MILLIS = 120_000L;

  private static final Pattern DATA_FILE = Pattern.compile("shuffle_(\\d+)_(\\d+)_0\\.data");

  private FaultCluster() {}

  /** A fresh, empty directory {@code target/faults/<name>} of the integration-tests module. */
  static Path freshDirectory(String name) {
    Path dir =
        Path.of(System.getProperty("spark.test.home", "."), "target", "faults", name)
            .toAbsolutePath()
            .normalize();
    try {
      if (Files.exists(dir)) {
        Utils.deleteRecursively(dir.toFile());
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /**
   * {@code local-cluster[2,1,<executorMemoryMiB>]} on the manager under test, with its local
   * directory in {@code localDir}.
   *
   * <p>{@code spark.shuffle.readHostLocalDisk=false}: both executors share one host, so Spark
   * would read the other executor's shuffle files straight from its disk, even after that
   * executor died. Off, the executors fetch from each other over the network as on a real
   * multi-host cluster, and a lost executor's output is really gone.
   *
   * <p>One retry of a failed fetch, one second apart, instead of three, five seconds apart: a
   * fetch from a killed executor fails at once anyway, and the test does not wait 15 s for it.
   */
  static SparkConf localClusterConf(String appName, Path localDir, int executorMemoryMiB) {
    return new SparkConf()
        .setMaster("local-cluster[2,1," + executorMemoryMiB + "]")
        .setAppName(appName)
        .set("spark.executor.memory", executorMemoryMiB + "m")
        .set("spark.ui.enabled", "false")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.shuffle.manager", ItConfig.managerUnderTest())
        .set("spark.executor.extraJavaOptions", ItConfig.executorJavaOptions())
        .set("spark.local.dir", localDir.toString())
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set(
            "spark.shuffle.spill.numElementsForceSpillThreshold",
            Integer.toString(FORCE_SPILL_ELEMENTS))
        .set("spark.shuffle.readHostLocalDisk", "false")
        .set("spark.shuffle.io.maxRetries", "1")
        .set("spark.shuffle.io.retryWait", "1s");
  }

  /**
   * A SparkContext that really uses the {@code spark.local.dir} of {@code conf}. Spark caches the
   * local root directories per JVM on first use ({@code Utils.getOrCreateLocalRootDirs}), and a
   * local-cluster's Workers run in the driver's JVM: without clearing that cache, the executors
   * would put their files where the first SparkContext of the test JVM put its own.
   */
  static JavaSparkContext newContext(SparkConf conf) {
    Utils$.MODULE$.clearLocalRootDirs();
    return new JavaSparkContext(conf);
  }

  /** Stops {@code jsc} (if any) and forgets its local directories for the next SparkContext. */
  static void stop(JavaSparkContext jsc) {
    try {
      if (jsc != null) {
        jsc.close();
      }
    } finally {
      Utils$.MODULE$.clearLocalRootDirs();
    }
  }

  /** Waits until two executors are registered (after a kill, the Worker launches a new one). */
  static void awaitTwoExecutors(JavaSparkContext jsc) {
    // throws a TimeoutException ("Can't find 2 executors before ... elapsed") when they don't come
    TestUtils$.MODULE$.waitUntilExecutorsUp(jsc.sc(), 2, GENEROUS_TIMEOUT_MILLIS);
  }

  /** Every regular file below {@code root}, as paths relative to it, sorted. */
  static List<String> filesBelow(Path root) {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  /** The {@code .data} files of one shuffle below {@code root}, by map id. */
  static TreeMap<Long, Path> dataFilesOfShuffle(Path root, int shuffleId) {
    TreeMap<Long, Path> byMapId = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(root)) {
      paths.filter(Files::isRegularFile).forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    for (Path file : files) {
      Matcher m = DATA_FILE.matcher(file.getFileName().toString());
      if (m.matches() && Integer.parseInt(m.group(1)) == shuffleId) {
        byMapId.put(Long.parseLong(m.group(2)), file);
      }
    }
    return byMapId;
  }
}
