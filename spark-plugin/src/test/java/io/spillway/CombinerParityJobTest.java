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
package io.spillway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Every keyed RDD operation that aggregates, groups or sorts gives the same answer through
 * Spillway as through Spark's built-in sort shuffle: the same seeded jobs run once with each
 * manager. Spillway runs with small task memory ({@code spark.testing.memory}) and a forced
 * spill threshold ({@code spark.shuffle.spill.numElementsForceSpillThreshold}), so that its
 * reduce side spills, which the task metrics must show; Spark's run, the oracle, keeps its
 * default memory (its ExternalAppendOnlyMap spills tiny files one after another at that size, which
 * only costs minutes).
 */
class CombinerParityJobTest {
  private static final int RECORDS = 60_000;
  private static final int KEYS = 15_000;

  /** What one run observed: the answers by operation, and the spill metrics. */
  private record Run(
      Map<String, Object> answers,
      long memoryBytesSpilled,
      long diskBytesSpilled,
      long peakExecutionMemory) {}

  @Test
  void spillwayMatchesSparksSortShuffle() throws Exception {
    Run spark = run("sort", false);
    Run spillway = run(SpillwayShuffleManager.class.getName(), true);
    for (String operation : spark.answers().keySet()) {
      assertEquals(spark.answers().get(operation), spillway.answers().get(operation), operation);
    }
    assertTrue(spillway.diskBytesSpilled() > 0, "Spillway's reduce side must spill");
    assertTrue(spillway.memoryBytesSpilled() > 0, "memoryBytesSpilled must be reported");
    assertTrue(spillway.peakExecutionMemory() > 0, "peakExecutionMemory must be reported");
  }

  private static Run run(String manager, boolean smallMemory) throws Exception {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("combiner-parity-" + manager)
            .set("spark.shuffle.manager", manager)
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.spillway.combine.probeRecords", "5000")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    if (smallMemory) {
      // ~5 MB of unified memory shared by two tasks, and a spill every 2000 records: every
      // reduce-side combiner spills.
      conf.set("spark.testing.memory", String.valueOf(8L << 20))
          .set("spark.shuffle.spill.numElementsForceSpillThreshold", "2000");
    }
    AtomicLong memorySpilled = new AtomicLong();
    AtomicLong diskSpilled = new AtomicLong();
    AtomicLong peakMemory = new AtomicLong();
    Map<String, Object> answers = new LinkedHashMap<>();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.sc()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                  if (taskEnd.taskMetrics() != null) {
                    memorySpilled.addAndGet(taskEnd.taskMetrics().memoryBytesSpilled());
                    diskSpilled.addAndGet(taskEnd.taskMetrics().diskBytesSpilled());
                    peakMemory.addAndGet(taskEnd.taskMetrics().peakExecutionMemory());
                  }
                }
              });
      Random random = new Random(42);
      List<Tuple2<Integer, Long>> input = new ArrayList<>(RECORDS);
      for (int i = 0; i < RECORDS; i++) {
        input.add(new Tuple2<>(random.nextInt(KEYS), (long) random.nextInt(1_000_000)));
      }
      JavaPairRDD<Integer, Long> pairs = sc.parallelizePairs(input, 4);

      answers.put("reduceByKey", new TreeMap<>(pairs.reduceByKey(Long::sum, 5).collectAsMap()));
      answers.put(
          "aggregateByKey",
          new TreeMap<>(
              pairs.aggregateByKey(0L, 3, (sum, value) -> sum + value, Long::sum).collectAsMap()));
      answers.put(
          "combineByKey",
          new TreeMap<>(
              pairs
                  .combineByKey(
                      value -> new Tuple2<>(value, 1L),
                      (sumAndCount, value) ->
                          new Tuple2<>(sumAndCount._1() + value, sumAndCount._2() + 1),
                      (left, right) -> new Tuple2<>(left._1() + right._1(), left._2() + right._2()),
                      4)
                  .collectAsMap()));
      answers.put("foldByKey", new TreeMap<>(pairs.foldByKey(0L, 6, Long::sum).collectAsMap()));
      // Java API: values arrive as java.lang.Iterable; iterate twice to prove re-iterability.
      answers.put(
          "groupByKey (Java)",
          new TreeMap<>(
              pairs
                  .groupByKey(4)
                  .mapValues(
                      values -> {
                        List<Long> first = new ArrayList<>();
                        values.forEach(first::add);
                        List<Long> second = new ArrayList<>();
                        values.forEach(second::add);
                        assertEquals(first, second);
                        Collections.sort(first);
                        return first;
                      })
                  .collectAsMap()));
      // Scala API: values arrive as scala.collection.Iterable.
      RDD<Tuple2<Integer, scala.collection.Iterable<Long>>> scalaGroups =
          org.apache
              .spark
              .rdd
              .RDD
              .rddToPairRDDFunctions(
                  pairs.rdd(),
                  ClassTag$.MODULE$.<Integer>apply(Integer.class),
                  ClassTag$.MODULE$.<Long>apply(Long.class),
                  null)
              .groupByKey(3);
      answers.put(
          "groupByKey (Scala)",
          new TreeMap<>(
              scalaGroups
                  .toJavaRDD()
                  .mapToPair(
                      group -> {
                        long count = group._2().size();
                        long sum = 0;
                        scala.collection.Iterator<Long> values = group._2().iterator();
                        while (values.hasNext()) {
                          sum += values.next();
                        }
                        return new Tuple2<>(group._1(), new Tuple2<>(count, sum));
                      })
                  .collectAsMap()));
      // Equal keys may come in any order: compare the key sequence and the sorted records.
      List<Tuple2<Integer, Long>> sorted = pairs.sortByKey(false, 3).collect();
      List<Integer> sortedKeys = new ArrayList<>();
      sorted.forEach(record -> sortedKeys.add(record._1()));
      answers.put("sortByKey keys", sortedKeys);
      List<String> sortedRecords = new ArrayList<>();
      sorted.forEach(record -> sortedRecords.add(record._1() + "=" + record._2()));
      Collections.sort(sortedRecords);
      answers.put("sortByKey records", sortedRecords);
      List<Integer> distinct = new ArrayList<>(pairs.keys().distinct(5).collect());
      Collections.sort(distinct);
      answers.put("distinct", distinct);
      sc.sc().listenerBus().waitUntilEmpty();
    }
    return new Run(answers, memorySpilled.get(), diskSpilled.get(), peakMemory.get());
  }
}
