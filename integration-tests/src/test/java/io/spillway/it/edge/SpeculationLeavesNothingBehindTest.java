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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.it.ItConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.TestUtils$;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Function1;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * A map task whose first attempt stalls halfway through its shuffle write (after it spilled) is
 * speculated; the copy on the other executor wins and Spark kills the stalled attempt. The result
 * is right, the killed attempt freed its memory itself (the executors' DEBUG log of
 * TaskMemoryManager has no "unreleased" line), the executors' execution memory is back to 0, and
 * the local directories hold only the committed outputs of the map tasks that succeeded.
 *
 * <p>Runs on a {@link StandaloneCluster} of two one-core workers on two loopback addresses:
 * Spark runs a speculative copy only on another host.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SpeculationLeavesNothingBehindTest {

  private static final int MAP_PARTITIONS = 4;
  private static final int PER_PARTITION = 6_000;
  private static final int KEYS = 3_000;
  private static final int FORCE_SPILL_RECORDS = 1_000;

  /** The first attempt of map partition 0 stalls after this many records (3 spills). */
  private static final int STALL_AFTER_RECORDS = 3_500;

  /** A stalled attempt that is never killed goes on after this long (the test then fails). */
  private static final long GIVE_UP_MILLIS = 120_000;

  private static final long WAIT_MILLIS = 120_000;

  @Test
  void losingAttemptOfASpeculatedMapTaskLeavesNothingBehind() {
    Path directory = EdgeSupport.freshDirectory("speculation");
    Path localDir = directory.resolve("local");
    SparkConf conf =
        EdgeSupport.conf("spark://unset", "edge-speculation", localDir, EdgeSupport.KRYO_SERIALIZER)
            .set(
                "spark.shuffle.spill.numElementsForceSpillThreshold",
                Integer.toString(FORCE_SPILL_RECORDS))
            .set("spark.executor.memory", "512m")
            .set("spark.locality.wait", "0")
            // speculate as soon as half the tasks finished and one ran 1.5x their median, at least
            // 2 s (on a loaded machine, at 200 ms the copy could win before the first attempt had
            // reached its stall and spilled); judge by duration only (a stalled task has no input
            // rate Spark could measure)
            .set("spark.speculation", "true")
            .set("spark.speculation.interval", "50ms")
            .set("spark.speculation.quantile", "0.5")
            .set("spark.speculation.multiplier", "1.5")
            .set("spark.speculation.minTaskRuntime", "2s")
            .set("spark.speculation.efficiency.enabled", "false");
    try (StandaloneCluster cluster = StandaloneCluster.start(directory, 2, 1, 1024, conf)) {
      conf.setMaster(cluster.masterUrl())
          .set(
              "spark.executor.extraJavaOptions",
              ItConfig.executorJavaOptions() + " " + cluster.executorLogOption());
      try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
        TestUtils$.MODULE$.waitUntilExecutorsUp(jsc.sc(), 2, WAIT_MILLIS);
        TaskLog tasks = TaskLog.register(jsc.sc());

        JavaPairRDD<Integer, Long> reduced =
            jsc.parallelize(range(MAP_PARTITIONS), MAP_PARTITIONS)
                .flatMapToPair(p -> new FirstAttemptOfPartitionZeroStalls(p))
                .reduceByKey(Long::sum, 2);
        Map<Integer, Long> sums = new TreeMap<>(reduced.collectAsMap());
        Map<Integer, Long> expected = new TreeMap<>();
        for (int p = 0; p < MAP_PARTITIONS; p++) {
          CancelLeavesNothingBehindTest.records(p, PER_PARTITION)
              .forEach(r -> expected.merge(r._1(), r._2(), Long::sum));
        }
        assertEquals(expected, sums, "reduceByKey with a speculated map task");

        tasks.awaitAllTasksEnded(jsc.sc(), WAIT_MILLIS);
        assertEquals(List.of(), tasks.failures(), "no task may fail");
        TaskLog.Killed loser =
            tasks.killed().stream()
                .filter(
                    k ->
                        "ShuffleMapTask".equals(k.taskType()) && k.index() == 0 && k.attempt() == 0)
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "the stalled first attempt of map partition 0 was not killed: "
                                + tasks));
        assertTrue(
            loser.reason().contains("another attempt succeeded"),
            () -> "killed by speculation: " + loser);
        assertTrue(
            loser.diskBytesSpilled() > 0,
            () -> "the losing attempt must have spilled before it was killed: " + loser);
        System.out.println(
            "speculation: killed "
                + tasks.killed()
                + "; map tasks that succeeded "
                + tasks.successfulMapTasks());

        // The executor logs the kill after its clean-up; its stderr reaches the file a little
        // later. Then: no memory left for Spark to reclaim, in any killed or finished task.
        String killLine = "(TID " + loser.taskId() + ")";
        EdgeSupport.await(
            "the executor's log of killing TID " + loser.taskId(),
            WAIT_MILLIS,
            () -> cluster.executorLogLines("killed").stream().anyMatch(l -> l.contains(killLine)),
            () -> "executor logs " + cluster.executorLogs());
        assertEquals(
            List.of(),
            cluster.executorLogLines("unreleased"),
            "memory some task did not free itself (Spark reclaimed it after the task ended)");
        assertFalse(
            cluster.executorLogLines(" acquired ").isEmpty(),
            "the executor logs must hold TaskMemoryManager's DEBUG lines, or the check above"
                + " proves nothing");

        List<String> memory = executionMemoryPerExecutor(jsc);
        assertEquals(2, memory.size(), "one probe per executor: " + memory);
        memory.forEach(
            m ->
                assertTrue(
                    m.endsWith(" 0"),
                    () -> "execution memory in use on an executor after the job: " + memory));

        FileCensus census = FileCensus.of(localDir);
        Set<Long> succeeded = tasks.successfulMapTasks();
        assertEquals(
            List.of(),
            FileCensus.names(census.leftovers()),
            "spill or temp files left on the executors");
        assertEquals(
            List.of(),
            FileCensus.names(census.outputsNotOf(succeeded)),
            "map output files of attempts that did not succeed (the killed one: TID "
                + loser.taskId()
                + ")");
        assertEquals(
            succeeded,
            census.indexedMapIds(),
            "every successful map task's index file is in the listing (else it lists the wrong"
                + " place)");
        System.out.println("speculation: executors " + memory + "; files " + census.counts());
        // The shuffle must stay registered until the census: once its RDD is garbage, Spark's
        // ContextCleaner unregisters it and the map outputs are deleted (seen once in CI, after
        // the heap-heavy ManyPartitionsTest: an empty listing).
        java.lang.ref.Reference.reachabilityFence(reduced);
      }
    }
  }

  /**
   * The records of one map partition; the first attempt of partition 0 stops after {@link
   * #STALL_AFTER_RECORDS} and waits to be killed.
   */
  private static final class FirstAttemptOfPartitionZeroStalls
      implements Iterator<Tuple2<Integer, Long>> {
    private final TaskContext context = TaskContext.get();
    private final boolean stall;
    private final Iterator<Tuple2<Integer, Long>> records;
    private int produced;

    FirstAttemptOfPartitionZeroStalls(int partition) {
      this.stall = partition == 0 && context.attemptNumber() == 0;
      this.records = CancelLeavesNothingBehindTest.records(partition, PER_PARTITION).iterator();
    }

    @Override
    public boolean hasNext() {
      if (stall && produced == STALL_AFTER_RECORDS) {
        EdgeSupport.waitToBeKilled(context, GIVE_UP_MILLIS);
      }
      return records.hasNext();
    }

    @Override
    public Tuple2<Integer, Long> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      produced++;
      return records.next();
    }
  }

  /** "executorId executionMemoryUsed" from one barrier task on each of the two executors. */
  private static List<String> executionMemoryPerExecutor(JavaSparkContext jsc) {
    JavaRDD<Integer> two = jsc.parallelize(List.of(0, 1), 2);
    Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>> probe =
        (Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>>
                & Serializable)
            ignored ->
                CollectionConverters.asScala(
                    List.of(
                            SparkEnv.get().executorId()
                                + " "
                                + SparkEnv.get().memoryManager().executionMemoryUsed())
                        .iterator());
    List<String> seen =
        new ArrayList<>(
            two.rdd()
                .barrier()
                .mapPartitions(probe, false, ClassTag$.MODULE$.apply(String.class))
                .toJavaRDD()
                .collect());
    seen.sort(null);
    assertNotEquals(
        seen.get(0).split(" ")[0],
        seen.get(1).split(" ")[0],
        "the probes must run on two executors: " + seen);
    return seen;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }
}
