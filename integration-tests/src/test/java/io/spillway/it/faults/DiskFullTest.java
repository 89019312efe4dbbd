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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.spillway.it.ItConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.TaskFailureListener;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Tuple2;

/**
 * A map task whose disk fills up: {@code spark.local.dir} is a tmpfs of {@value #DISK_MIB} MiB,
 * and one map task writes incompressible records, spilling every 5000. Either its spills alone
 * exceed the disk (the disk fills while spilling), or they fit but spills and map output together
 * do not (it fills while merging them into the map output). The task must fail with an error that
 * says the disk is full and names the file it was writing, leave no file behind (only Spark's
 * empty directories), and hold no execution memory once it failed; the job fails with that error
 * as its cause. Both write paths: Kryo (serialized records in pages) and Java serialization
 * (object buffer).
 *
 * <p>Runs on {@code local[2]}: one JVM, so the task can report its memory to the test. Skipped
 * when the machine does not allow mounting a tmpfs, and with {@code -Dit.shuffle.manager=sort}:
 * Spark's own writers report a bare "No space left on device", and its bypass-merge writer gets
 * by with less disk, so this checks Spillway's behaviour, not Spark's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskFullTest {
  private static final int DISK_MIB = 8;
  private static final int VALUE_BYTES = 200;

  /** About 20 MB of spills: more than the disk. */
  private static final int RECORDS_OVERFLOWING_SPILLS = 100_000;

  /** About 5 MB of spills: they fit, spills plus map output do not. */
  private static final int RECORDS_OVERFLOWING_MERGE = 25_000;

  private static final String NO_SPACE = "No space left on device";

  /** What the failed task still held after Spillway's cleanup ran; -1 until it failed. */
  private static final AtomicLong memoryHeldAtFailure = new AtomicLong(-1);

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String serializer :
        List.of(
            "org.apache.spark.serializer.KryoSerializer",
            "org.apache.spark.serializer.JavaSerializer")) {
      cases.add(
          Arguments.of(serializer, "while spilling", RECORDS_OVERFLOWING_SPILLS, "/temp_shuffle_"));
      cases.add(
          Arguments.of(
              serializer,
              "while merging",
              RECORDS_OVERFLOWING_MERGE,
              "the map output of map 0 of shuffle 0 ("));
    }
    return cases.stream();
  }

  /**
   * @param failedFile what the error must name besides the directory: a spill file, or the map
   *     output (its data file)
   */
  @ParameterizedTest(name = "{0}, disk fills {1}")
  @MethodSource("cases")
  void aFullDiskFailsTheTaskCleanly(String serializer, String when, int records, String failedFile)
      throws IOException {
    assumeFalse(
        ItConfig.managerUnderTestIsSparkSort(),
        "skipped: the disk-full contract is Spillway's; Spark's sort shuffle does not name files");
    String name =
        serializer.substring(serializer.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
            + "-"
            + when.replace(' ', '-');
    Path localDir =
        Files.createDirectories(FaultCluster.freshDirectory("disk-full-" + name).resolve("local"));
    memoryHeldAtFailure.set(-1);
    try (Tmpfs tmpfs = Tmpfs.mount(localDir, DISK_MIB)) {
      JavaSparkContext jsc = FaultCluster.newContext(conf(serializer, localDir));
      try {
        SparkException failure =
            assertThrows(
                SparkException.class,
                () ->
                    jsc.parallelize(List.of(0), 1)
                        .flatMapToPair(
                            p -> {
                              TaskContext.get()
                                  .addTaskFailureListener(
                                      (TaskFailureListener) DiskFullTest::recordMemoryHeld);
                              return incompressibleRecords(p, records).iterator();
                            })
                        .partitionBy(new HashPartitioner(4))
                        .count(),
                "a job writing ~"
                    + (records * VALUE_BYTES >> 20)
                    + " MiB of spills to a "
                    + DISK_MIB
                    + " MiB disk, and as much map output, must fail");
        System.out.println(name + ": the job failed with " + describe(causes(failure)));
        assertNamesTheFullDisk(failure, localDir, failedFile);

        assertEquals(
            List.of(),
            FaultCluster.filesBelow(localDir),
            "files left in spark.local.dir after the failed task (only Spark's empty directories "
                + "may remain)");
        assertEquals(
            0L,
            memoryHeldAtFailure.get(),
            "execution memory the failed task still held after cleanup (-1: it did not fail)");
      } finally {
        FaultCluster.stop(jsc);
      }
    }
  }

  /** Runs when the task fails: after the shuffle writer's stop(false) freed what it held. */
  private static void recordMemoryHeld(TaskContext task, Throwable error) {
    memoryHeldAtFailure.set(task.taskMemoryManager().getMemoryConsumptionForThisTask());
  }

  /**
   * The job's error shows the cause, and its cause chain holds an IOException saying the disk is
   * full and naming the file, below {@code localDir} and with {@code failedFile} in the message.
   */
  private static void assertNamesTheFullDisk(
      SparkException failure, Path localDir, String failedFile) {
    List<Throwable> chain = causes(failure);
    IOException diskFull =
        chain.stream()
            .filter(
                t -> t instanceof IOException && String.valueOf(t.getMessage()).contains(NO_SPACE))
            .map(IOException.class::cast)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "the job's failure must have an IOException '"
                            + NO_SPACE
                            + "' in its causes: "
                            + describe(chain),
                        failure));
    assertTrue(
        failure.getMessage().contains(NO_SPACE),
        () -> "the job's own message must show the cause: " + failure.getMessage());
    assertTrue(
        diskFull.getMessage().contains(localDir.toString())
            && diskFull.getMessage().contains(failedFile),
        () ->
            "the disk-full error must name the file it wrote, below "
                + localDir
                + " and with '"
                + failedFile
                + "' in its message: "
                + diskFull.getMessage());
  }

  private static SparkConf conf(String serializer, Path localDir) {
    return new SparkConf()
        .setMaster("local[2]")
        .setAppName("disk-full")
        .set("spark.ui.enabled", "false")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.shuffle.manager", ItConfig.managerUnderTest())
        .set("spark.serializer", serializer)
        .set("spark.local.dir", localDir.toString())
        .set(
            "spark.shuffle.spill.numElementsForceSpillThreshold",
            Integer.toString(FaultCluster.FORCE_SPILL_ELEMENTS));
  }

  /** Records of random bytes: compression cannot shrink them. */
  private static List<Tuple2<Integer, byte[]>> incompressibleRecords(int partition, int count) {
    SplittableRandom random = new SplittableRandom(31L + partition);
    List<Tuple2<Integer, byte[]>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[VALUE_BYTES];
      random.nextBytes(value);
      records.add(new Tuple2<>(i, value));
    }
    return records;
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String describe(List<Throwable> chain) {
    return chain.stream()
        .map(t -> t.getClass().getName() + ": " + firstLine(t.getMessage()))
        .collect(Collectors.joining("\n  caused by "));
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "null";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
