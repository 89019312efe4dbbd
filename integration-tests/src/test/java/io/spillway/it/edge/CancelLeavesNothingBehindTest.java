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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * A job cancelled in the middle of a shuffle leaves nothing behind: no memory held by the killed
 * tasks, no spill or temp file, only the committed output of map tasks that finished.
 *
 * <p>Four cancellations on one {@code local[2]} context (tasks interruptible,
 * {@code interruptOnCancel=true}), each once the tasks told the test, through a file, that they
 * are in the middle of it:
 *
 * <ol>
 *   <li>map side, plain {@code partitionBy}: the map tasks produce records without end, spilling
 *       every 1,000 records, until they are killed, so the kill lands anywhere in the writer
 *       (between records, inside a spill, in a sort);
 *   <li>map side with map-side combine ({@code reduceByKey}), the same way;
 *   <li>reduce side, {@code reduceByKey} and {@code groupByKey}: the map stage finishes, the
 *       reduce tasks' combiners spill, and the tasks stop at their first output record with the
 *       combiners' spill files open.
 * </ol>
 *
 * After each: every started task ended, the executor's execution memory is 0, no task left
 * memory for Spark to reclaim ({@link LeakLog}), and the local directory holds only committed
 * outputs of map tasks that succeeded. Then a normal job on the same context matches an oracle.
 * Serialized path (Kryo) and object path (Java serialization).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CancelLeavesNothingBehindTest {

  private static final int FORCE_SPILL_RECORDS = 1_000;

  /** Map tasks signal after this many records: several spills are on disk by then. */
  private static final int SIGNAL_AFTER_RECORDS = 5 * FORCE_SPILL_RECORDS;

  private static final int KEYS = 20_000;

  /** A task that was never cancelled stops producing after this long (the test then fails). */
  private static final long GIVE_UP_MILLIS = 120_000;

  private static final long WAIT_MILLIS = 120_000;

  @ParameterizedTest
  @ValueSource(strings = {EdgeSupport.KRYO_SERIALIZER, EdgeSupport.JAVA_SERIALIZER})
  void cancelledShufflesFreeTheirMemoryAndDeleteTheirFiles(String serializer) {
    Path directory = EdgeSupport.freshDirectory("cancel");
    Path localDir = directory.resolve("local");
    String signals = directory.resolve("signals").toString();
    SparkConf conf =
        EdgeSupport.conf("local[2]", "edge-cancel", localDir, serializer)
            .set(
                "spark.shuffle.spill.numElementsForceSpillThreshold",
                Integer.toString(FORCE_SPILL_RECORDS));
    try (JavaSparkContext jsc = new JavaSparkContext(conf);
        LeakLog leaks = LeakLog.capture()) {
      TaskLog tasks = TaskLog.register(jsc.sc());

      cancelMidShuffle(
          jsc,
          tasks,
          leaks,
          localDir,
          signals,
          "map-partitionBy",
          2,
          census -> census.mapSpills().isEmpty() ? "no map-side spill file" : null,
          () ->
              endlessRecords(jsc, signals, "map-partitionBy")
                  .partitionBy(new HashPartitioner(4))
                  .countAsync());

      cancelMidShuffle(
          jsc,
          tasks,
          leaks,
          localDir,
          signals,
          "map-reduceByKey",
          2,
          census -> census.mapSpills().isEmpty() ? "no map-side spill file" : null,
          () ->
              endlessRecords(jsc, signals, "map-reduceByKey")
                  .reduceByKey(Long::sum, 4)
                  .countAsync());

      cancelMidShuffle(
          jsc,
          tasks,
          leaks,
          localDir,
          signals,
          "reduce-reduceByKey",
          2,
          census -> census.reduceSpills().isEmpty() ? "no reduce-side spill file" : null,
          () ->
              jsc.parallelize(List.of(0, 1), 2)
                  .flatMapToPair(p -> records(p, 40_000).iterator())
                  .reduceByKey(Long::sum, 2)
                  .mapPartitions(sums -> stopAtFirstRecord(sums, signals, "reduce-reduceByKey"))
                  .countAsync());

      cancelMidShuffle(
          jsc,
          tasks,
          leaks,
          localDir,
          signals,
          "reduce-groupByKey",
          2,
          census -> census.reduceSpills().isEmpty() ? "no reduce-side spill file" : null,
          () ->
              jsc.parallelize(List.of(0, 1), 2)
                  .flatMapToPair(p -> records(p, 40_000).iterator())
                  .groupByKey(2)
                  .mapPartitions(groups -> stopAtFirstRecord(groups, signals, "reduce-groupByKey"))
                  .countAsync());

      // The context still works and computes the right answer.
      Map<Integer, Long> sums =
          new TreeMap<>(
              jsc.parallelize(List.of(0, 1, 2), 3)
                  .flatMapToPair(p -> records(p, 10_000).iterator())
                  .reduceByKey(Long::sum, 3)
                  .collectAsMap());
      Map<Integer, Long> expected = new TreeMap<>();
      for (int p = 0; p < 3; p++) {
        records(p, 10_000).forEach(r -> expected.merge(r._1(), r._2(), Long::sum));
      }
      assertEquals(expected, sums, "reduceByKey after the cancellations");
      tasks.awaitAllTasksEnded(jsc.sc(), WAIT_MILLIS);
      assertEquals(0, EdgeSupport.executionMemoryUsed(), "execution memory after the last job");
    }
  }

  /**
   * Starts a job, waits until {@code expectedSignals} tasks signalled, checks the job really is
   * mid-shuffle (files on disk, memory in use), cancels its group and checks what is left.
   */
  private static void cancelMidShuffle(
      JavaSparkContext jsc,
      TaskLog tasks,
      LeakLog leaks,
      Path localDir,
      String signals,
      String kind,
      int expectedSignals,
      java.util.function.Function<FileCensus, String> notMidShuffle,
      Supplier<JavaFutureAction<Long>> job) {
    String group = "edge-cancel-" + kind;
    int killedBefore = tasks.killed().size();
    jsc.setJobGroup(group, "cancelled mid-shuffle: " + kind, true);
    JavaFutureAction<Long> future;
    try {
      future = job.get();
    } finally {
      jsc.clearJobGroup();
    }
    EdgeSupport.await(
        expectedSignals + " tasks of " + kind + " to signal",
        WAIT_MILLIS,
        () -> signalsOf(signals, kind).size() >= expectedSignals || future.isDone(),
        () -> "signals " + signalsOf(signals, kind) + ", " + tasks);
    assertFalse(
        future.isDone(),
        () -> kind + ": the job ended before it was cancelled: " + outcome(future) + "; " + tasks);

    // Controls: the job is really in the middle of the shuffle, so the checks below mean something.
    FileCensus during = FileCensus.of(localDir);
    String missing = notMidShuffle.apply(during);
    assertEquals(null, missing, () -> kind + ": not mid-shuffle at the cancel: " + during);
    assertTrue(
        EdgeSupport.executionMemoryUsed() > 0,
        () -> kind + ": no execution memory in use at the cancel");

    jsc.cancelJobGroup(group);
    ExecutionException cancelled = null;
    try {
      future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      cancelled = e;
    } catch (Exception e) {
      fail(kind + ": the cancelled job did not end: " + e + "; " + tasks);
    }
    assertTrue(
        cancelled != null && String.valueOf(cancelled.getCause()).contains("cancelled"),
        () -> kind + ": the job must fail as cancelled, got " + outcome(future));

    tasks.awaitAllTasksEnded(jsc.sc(), WAIT_MILLIS);
    int killed = tasks.killed().size() - killedBefore;
    assertTrue(
        killed >= expectedSignals,
        () -> kind + ": the signalled tasks must have been killed: " + tasks);
    assertEquals(
        0,
        EdgeSupport.executionMemoryUsed(),
        kind + ": execution memory in use after every task ended");
    assertEquals(
        List.of(),
        leaks.unreleased(),
        kind
            + ": memory the killed tasks did not free"
            + " (Spark reclaimed it after the task ended)");
    assertTrue(leaks.acquisitions() > 0, "the leak log must see TaskMemoryManager's DEBUG lines");

    FileCensus after = FileCensus.of(localDir);
    assertEquals(
        List.of(),
        FileCensus.names(after.leftovers()),
        kind + ": spill or temp files left after the cancel (during it: " + during.counts() + ")");
    assertEquals(
        List.of(),
        FileCensus.names(after.outputsNotOf(tasks.successfulMapTasks())),
        kind + ": map output files of map tasks that did not succeed");
    System.out.printf(
        "%s: cancelled with %s on disk; after: %s; killed %s%n",
        kind, during.counts(), after.counts(), killed);
  }

  /** Records of partition {@code p} for the bounded jobs: seeded, keys in [0, KEYS). */
  static List<Tuple2<Integer, Long>> records(int p, int count) {
    SplittableRandom random = new SplittableRandom(7919L * p + 17);
    List<Tuple2<Integer, Long>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new Tuple2<>(random.nextInt(KEYS), (long) random.nextInt(1_000)));
    }
    return out;
  }

  /** Two map tasks that produce records until they are killed, signalling once spilling. */
  private static JavaPairRDD<Integer, Long> endlessRecords(
      JavaSparkContext jsc, String signals, String kind) {
    return jsc.parallelize(List.of(0, 1), 2)
        .flatMapToPair(p -> new EndlessRecords(p, signals, kind));
  }

  /**
   * Random records without end. Checks for a kill before every record (as Spark's
   * InterruptibleIterator does for its sources); after {@link #SIGNAL_AFTER_RECORDS} records it
   * writes its signal file and goes on. Ends only after {@link #GIVE_UP_MILLIS}.
   */
  private static final class EndlessRecords implements Iterator<Tuple2<Integer, Long>> {
    private final TaskContext context = TaskContext.get();
    private final SplittableRandom random;
    private final String signals;
    private final String kind;
    private final long giveUpNanos = System.nanoTime() + GIVE_UP_MILLIS * 1_000_000L;
    private long produced;

    EndlessRecords(int partition, String signals, String kind) {
      this.random = new SplittableRandom(partition);
      this.signals = signals;
      this.kind = kind;
    }

    @Override
    public boolean hasNext() {
      context.killTaskIfInterrupted();
      return produced < SIGNAL_AFTER_RECORDS || System.nanoTime() - giveUpNanos < 0;
    }

    @Override
    public Tuple2<Integer, Long> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (++produced == SIGNAL_AFTER_RECORDS) {
        signal(signals, kind, context);
      }
      return new Tuple2<>(random.nextInt(KEYS), (long) random.nextInt(1_000));
    }
  }

  /** Passes the first record on only after signalling and waiting to be killed. */
  private static <T> Iterator<T> stopAtFirstRecord(
      Iterator<T> records, String signals, String kind) {
    TaskContext context = TaskContext.get();
    if (records.hasNext()) {
      signal(signals, kind, context);
      EdgeSupport.waitToBeKilled(context, GIVE_UP_MILLIS);
    }
    return records;
  }

  private static void signal(String signals, String kind, TaskContext context) {
    try {
      Path directory = Path.of(signals);
      Files.createDirectories(directory);
      Files.createFile(
          directory.resolve(kind + "-" + context.partitionId() + "-" + context.attemptNumber()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> signalsOf(String signals, String kind) {
    Path directory = Path.of(signals);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith(kind + "-"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String outcome(JavaFutureAction<Long> future) {
    if (!future.isDone()) {
      return "still running";
    }
    try {
      return "result " + future.get();
    } catch (Exception e) {
      return e.toString();
    }
  }
}
