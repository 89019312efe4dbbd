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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * An executor JVM of a {@code local-cluster[2,1,768]} killed with SIGKILL
 * ({@code ProcessHandle.destroyForcibly}, i.e. {@code kill -9}) by the test, once while a map
 * task on it is half way through its input (with spill files on disk), once while the reduce
 * stage runs and the executor holds map output. The job must finish with the sums a driver-side
 * oracle computes. The Worker launches a replacement executor after each kill.
 *
 * <p>The kill point is deterministic: the task signals the test through a file and waits; the
 * test kills the JVM the signal names. Only a task's first attempt waits, so the recomputation
 * runs freely.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExecutorKillTest {
  /** Where map task 0 stops: past several forced spills (one per 5000 records). */
  private static final int MAP_KILL_AFTER_RECORDS = 30_000;

  private static Path directory;
  private static JavaSparkContext jsc;
  private static FaultListener listener;

  @BeforeAll
  static void startCluster() {
    directory = FaultCluster.freshDirectory("executor-kill");
    jsc =
        FaultCluster.newContext(
            FaultCluster.localClusterConf("executor-kill", directory.resolve("local"), 768));
    listener = FaultListener.register(jsc);
  }

  @AfterAll
  static void stopCluster() {
    FaultCluster.stop(jsc);
  }

  @BeforeEach
  void twoLiveExecutors() {
    FaultCluster.awaitTwoExecutors(jsc);
    listener.clear(jsc);
  }

  @Test
  void executorKilledDuringTheMapStage() throws Exception {
    long seed = 11L;
    TaskSignals signals = new TaskSignals(directory.resolve("signals-map"));
    JavaPairRDD<Integer, Long> sums = SumsByKey.rdd(jsc, seed, signals, MAP_KILL_AFTER_RECORDS);
    int shuffleId = SumsByKey.shuffleIdOf(sums);

    JavaFutureAction<List<Tuple2<Integer, Long>>> job = sums.collectAsync();
    TaskSignals.Signal mapTask;
    List<String> spillsAtKill;
    try {
      mapTask = signals.awaitSignals("map-0", 1, job).get(0);
      spillsAtKill = spillFilesIn(mapTask.blockManagerDirs());
      assertFalse(
          spillsAtKill.isEmpty(),
          "map task 0 must have spilled before the kill, after "
              + MAP_KILL_AFTER_RECORDS
              + " records; files in "
              + mapTask.blockManagerDirs());
      killDashNine(mapTask.pid());
    } finally {
      signals.release(); // nothing may stay blocked if the test fails before the kill
    }

    assertEquals(
        SumsByKey.oracle(seed),
        SumsByKey.asMap(job.get(4, TimeUnit.MINUTES)),
        "sums by key after an executor was killed in the map stage");
    FaultListener.Events events = listener.events(jsc);
    System.out.printf(
        "map-stage kill of executor %s (pid %d, spill files %s)%n%s%n",
        mapTask.executorId(), mapTask.pid(), spillsAtKill, events.describe());
    assertTrue(
        events.executorLosses().stream()
            .anyMatch(lost -> lost.execId().equals(mapTask.executorId())),
        () ->
            "a task must have failed with ExecutorLostFailure of executor "
                + mapTask.executorId()
                + "\n"
                + events.describe());
    assertTrue(
        events.tasks().stream()
            .anyMatch(
                t ->
                    t.shuffleId() == shuffleId
                        && t.executorId().equals(mapTask.executorId())
                        && t.reason() instanceof ExecutorLostFailure),
        () ->
            "the lost task must be a map task of shuffle " + shuffleId + "\n" + events.describe());
  }

  @Test
  void executorKilledDuringTheReduceStage() throws Exception {
    long seed = 12L;
    TaskSignals signals = new TaskSignals(directory.resolve("signals-reduce"));
    JavaPairRDD<Integer, Long> sums = SumsByKey.rdd(jsc, seed);
    int shuffleId = SumsByKey.shuffleIdOf(sums);
    // Every reduce task's first attempt signals and waits: one per executor runs at a time, so
    // the test sees both executors busy in the reduce stage, kills one that wrote map output,
    // and the reduce tasks that start after the kill must fetch what it held.
    JavaRDD<Tuple2<Integer, Long>> gated =
        sums.mapPartitions(
            records -> {
              if (TaskSignals.firstAttempt() && !signals.released()) {
                signals.signal("reduce-" + TaskContext.getPartitionId());
                signals.awaitRelease();
              }
              return records;
            });

    JavaFutureAction<List<Tuple2<Integer, Long>>> job = gated.collectAsync();
    Set<String> withMapOutput;
    TaskSignals.Signal victim;
    try {
      List<TaskSignals.Signal> running = signals.awaitSignals("reduce-", 2, job);
      Set<String> runningExecutors =
          running.stream().map(TaskSignals.Signal::executorId).collect(Collectors.toSet());
      assertEquals(2, runningExecutors.size(), () -> "one reduce task per executor: " + running);
      withMapOutput = listener.events(jsc).executorsWithMapOutput(shuffleId);
      victim =
          running.stream()
              .filter(s -> withMapOutput.contains(s.executorId()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no running reduce task is on an executor with "
                              + "map output; map output on "
                              + withMapOutput
                              + ", reduce tasks "
                              + running));
      killDashNine(victim.pid());
    } finally {
      signals.release();
    }

    assertEquals(
        SumsByKey.oracle(seed),
        SumsByKey.asMap(job.get(4, TimeUnit.MINUTES)),
        "sums by key after an executor with map output was killed in the reduce stage");
    FaultListener.Events events = listener.events(jsc);
    System.out.printf(
        "reduce-stage kill of executor %s (pid %d), map output was on %s%n%s%n",
        victim.executorId(), victim.pid(), withMapOutput, events.describe());
    assertFalse(
        events.fetchFailures(shuffleId).isEmpty(),
        () ->
            "a reducer must have hit a FetchFailedException for shuffle "
                + shuffleId
                + " (the killed executor's map output is gone)\n"
                + events.describe());
    assertFalse(
        events.mapStageRetries(shuffleId).isEmpty(),
        () ->
            "the map stage of shuffle "
                + shuffleId
                + " must have been resubmitted\n"
                + events.describe());
  }

  /** SIGKILL, as {@code kill -9}, then waits until the process is gone. */
  static void killDashNine(long pid) throws Exception {
    assertNotEquals(ProcessHandle.current().pid(), pid, "must not kill the driver");
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new AssertionError("no process " + pid + " to kill"));
    assertTrue(process.destroyForcibly(), "SIGKILL to executor pid " + pid + " not sent");
    process.onExit().get(FaultCluster.GENEROUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static List<String> spillFilesIn(List<Path> blockManagerDirs) {
    List<String> spills = new ArrayList<>();
    for (Path dir : blockManagerDirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .map(p -> p.getFileName().toString())
            .filter(name -> name.startsWith("temp_shuffle_"))
            .forEach(spills::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    return spills;
  }
}
