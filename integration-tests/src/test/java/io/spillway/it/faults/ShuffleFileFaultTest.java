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
    jsc = FaultCluster.newContext(
        FaultCluster.localClusterConf("shuffle-file-fault", localDir, 768));
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
    damageOneMapOutputAndRerun(21L, "corrupted", "corrupt", file -> {
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
    // the message depends on where the reducer ran: the local or remote block's file error
    damageOneMapOutputAndRerun(22L, "deleted", "", Files::delete);
  }

  @FunctionalInterface
  private interface Damage {
    void apply(Path dataFile) throws IOException;
  }

  /**
   * Runs the job, applies {@code damage} to the {@code .data} file of the first map output, runs
   * the job again and checks that a reducer failed to fetch that map output with a message
   * containing {@code expectedInMessage} (ignoring case), the map stage ran again and the result
   * is right.
   */
  private void damageOneMapOutputAndRerun(long seed, String what, String expectedInMessage,
      Damage damage) throws IOException {
    JavaPairRDD<Integer, Long> sums = SumsByKey.rdd(jsc, seed);
    int shuffleId = SumsByKey.shuffleIdOf(sums);
    Map<Integer, Long> expected = SumsByKey.oracle(seed);
    assertEquals(expected, SumsByKey.collect(sums), "sums by key, first job");

    TreeMap<Long, Path> dataFiles = FaultCluster.dataFilesOfShuffle(localDir, shuffleId);
    assertEquals(SumsByKey.MAP_PARTITIONS, dataFiles.size(),
        () -> "one .data file per map task of shuffle " + shuffleId + " below " + localDir + ": "
            + FaultCluster.filesBelow(localDir));
    long damagedMapId = dataFiles.firstKey();
    Path damaged = dataFiles.firstEntry().getValue();
    long sizeBefore = Files.size(damaged);
    damage.apply(damaged);

    listener.clear(jsc);
    assertEquals(expected, SumsByKey.collect(sums),
        "sums by key after the map output " + damaged.getFileName() + " was " + what);
    FaultListener.Events events = listener.events(jsc);
    List<FetchFailed> failures = events.fetchFailures(shuffleId);
    System.out.printf("%s %s (%d bytes, map id %d):%n%s%n", what, damaged, sizeBefore,
        damagedMapId, events.describe());
    assertTrue(failures.stream().anyMatch(f -> f.mapId() == damagedMapId
            && f.message().toLowerCase(Locale.ROOT).contains(expectedInMessage)),
        () -> "a reducer must have failed with FetchFailed for map " + damagedMapId + " of shuffle "
            + shuffleId + ", whose .data file was " + what + ", with '" + expectedInMessage
            + "' in its message\n" + events.describe());
    assertFalse(events.mapStageRetries(shuffleId).isEmpty(),
        () -> "the map stage of shuffle " + shuffleId + " must have been recomputed\n"
            + events.describe());
  }
}
