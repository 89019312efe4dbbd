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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.FetchFailed;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A map output file damaged on disk between two jobs that share the shuffle, on a
 * {@code local-cluster[2,1,768]}: the second job reuses the map stage, its reducers read the bad
 * file, and Spark must notice (a {@code FetchFailed} naming the damaged map output), recompute
 * that map output and return the sums a driver-side oracle computes. Checksums
 * ({@code spark.shuffle.checksum.enabled}) and {@code spark.shuffle.detectCorrupt} stay at their
 * defaults (on).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShuffleFileFaultTest {
  private static Path localDir;
  private static JavaSparkContext jsc;
  private static FaultListener listener;

  @BeforeAll
  static void startCluster() {
    localDir = FaultCluster.freshDirectory("shuffle-file-fault").resolve("local");
    jsc =
        FaultCluster.newContext(FaultCluster.localClusterConf("shuffle-file-fault", localDir, 768));
    listener = FaultListener.register(jsc);
  }

  @AfterAll
  static void stopCluster() {
    FaultCluster.stop(jsc);
  }

  @BeforeEach
  void twoLiveExecutors() {
    FaultCluster.awaitTwoExecutors(jsc);
  }

  @Test
  void corruptedDataFileIsDetectedAndRecomputed() throws IOException {
    damageOneMapOutputAndRerun(
        21L,
        "corrupted",
        (message, file) -> message.toLowerCase(Locale.ROOT).contains("is corrupted"),
        "'is corrupted' (Spark's corruption check, with the checksum's diagnosis)",
        file -> {
          // flip bytes all through the file: every reduce partition's block is hit
          try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (long position = 40; position < raf.length(); position += 97) {
              raf.seek(position);
              int b = raf.read();
              raf.seek(position);
              raf.write(b ^ 0x5A);
            }
          }
        });
  }

  @Test
  void deletedDataFileIsDetectedAndRecomputed() throws IOException {
    // Which message depends on where the reducer ran: on the executor that wrote the file, its
    // own read fails; on the other one, the serving executor cannot send the file and closes the
    // connection (Spark's transport server), so the fetch fails with the connection.
    damageOneMapOutputAndRerun(
        22L,
        "deleted",
        (message, file) ->
            message.contains(file.getFileName() + " (No such file or directory)")
                || CONNECTION_CLOSED.matcher(message).find(),
        "'<data file> (No such file or directory)' (read on its executor) or 'Connection from"
            + " <executor> closed' (fetched from it)",
        Files::delete);
  }

  private static final Pattern CONNECTION_CLOSED =
      Pattern.compile("java\\.io\\.IOException: Connection from \\S+ closed");

  /** What the damaged map output's FetchFailed message (with its stack trace) must say. */
  @FunctionalInterface
  private interface ExpectedMessage {
    boolean matches(String message, Path damagedFile);
  }

  @FunctionalInterface
  private interface Damage {
    void apply(Path dataFile) throws IOException;
  }

  /**
   * Runs the job, applies {@code damage} to the {@code .data} file of the first map output, runs
   * the job again and checks that a reducer failed to fetch that map output with a message
   * that {@code expected} accepts ({@code expectedDescription} says what it looks for), the map
   * stage ran again and the result is right.
   */
  private void damageOneMapOutputAndRerun(
      long seed, String what, ExpectedMessage expected, String expectedDescription, Damage damage)
      throws IOException {
    JavaPairRDD<Integer, Long> sums = SumsByKey.rdd(jsc, seed);
    int shuffleId = SumsByKey.shuffleIdOf(sums);
    Map<Integer, Long> oracle = SumsByKey.oracle(seed);
    assertEquals(oracle, SumsByKey.collect(sums), "sums by key, first job");

    TreeMap<Long, Path> dataFiles = FaultCluster.dataFilesOfShuffle(localDir, shuffleId);
    assertEquals(
        SumsByKey.MAP_PARTITIONS,
        dataFiles.size(),
        () ->
            "one .data file per map task of shuffle "
                + shuffleId
                + " below "
                + localDir
                + ": "
                + FaultCluster.filesBelow(localDir));
    long damagedMapId = dataFiles.firstKey();
    Path damaged = dataFiles.firstEntry().getValue();
    long sizeBefore = Files.size(damaged);
    damage.apply(damaged);

    listener.clear(jsc);
    assertEquals(
        oracle,
        SumsByKey.collect(sums),
        "sums by key after the map output " + damaged.getFileName() + " was " + what);
    FaultListener.Events events = listener.events(jsc);
    List<FetchFailed> failures = events.fetchFailures(shuffleId);
    System.out.printf(
        "%s %s (%d bytes, map id %d):%n%s%n",
        what, damaged, sizeBefore, damagedMapId, events.describe());
    assertTrue(
        failures.stream()
            .anyMatch(f -> f.mapId() == damagedMapId && expected.matches(f.message(), damaged)),
        () ->
            "a reducer must have failed with FetchFailed for map "
                + damagedMapId
                + " of shuffle "
                + shuffleId
                + ", whose .data file was "
                + what
                + ", with "
                + expectedDescription
                + " in its message\n"
                + events.describe());
    assertFalse(
        events.mapStageRetries(shuffleId).isEmpty(),
        () ->
            "the map stage of shuffle "
                + shuffleId
                + " must have been recomputed\n"
                + events.describe());
  }
}
