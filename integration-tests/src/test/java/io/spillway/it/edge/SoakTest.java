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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.rdd.SpillwayPairRDD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * A bounded soak run: {@value #JOBS} consecutive shuffle jobs of mixed kinds on one SparkContext
 * (reduceByKey, groupByKey, sortByKey, partitionBy, aggregateByKey, join, cogroup, distinct,
 * Spillway's own combiners), every map and reduce task spilling. Each result is checked against
 * a driver-side {@code HashMap}/{@code TreeMap} oracle over the same seeded data. After each job
 * its shuffles are unregistered (what Spark's {@code ContextCleaner} does when the RDDs are
 * garbage) and the test requires the executor to be back at its baseline:
 *
 * <ul>
 *   <li>no execution memory in use and no task that left memory for Spark to free ({@link
 *       LeakLog});
 *   <li>no file at all under {@code spark.local.dir}: no spill, no temp file, and no map output
 *       of an unregistered shuffle.
 * </ul>
 *
 * Run with {@code -Dit.shuffle.manager=sort} to check the oracles on Spark's own shuffle.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SoakTest {

  private static final int JOBS = 20;
  private static final int MAP_PARTITIONS = 4;
  private static final int REDUCE_PARTITIONS = 5;
  private static final int RECORDS = 24_000;
  private static final int FORCE_SPILL_RECORDS = 1_000;

  /** One kind of shuffle job: runs it on Spark and on the driver, and compares. */
  private interface Job {
    void runAndCheck(JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label);
  }

  private record Kind(String name, Job job) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind("reduceByKey", SoakTest::reduceByKey),
          new Kind("groupByKey", SoakTest::groupByKey),
          new Kind("sortByKey", SoakTest::sortByKey),
          new Kind("partitionBy", SoakTest::partitionBy),
          new Kind("aggregateByKey", SoakTest::aggregateByKey),
          new Kind("join", SoakTest::join),
          new Kind("cogroup", SoakTest::cogroupCounts),
          new Kind("distinct", SoakTest::distinct),
          new Kind("SpillwayPairRDD.reduceByKey", SoakTest::spillwayReduceByKey),
          new Kind("SpillwayPairRDD.groupByKey", SoakTest::spillwayGroupByKey));

  @Test
  void twentyJobsReturnToBaselineAfterEach() throws Exception {
    Path localDir = EdgeSupport.freshDirectory("soak");
    Set<Integer> shuffleIds = Collections.synchronizedSet(new HashSet<>());
    try (LeakLog leaks = LeakLog.capture();
        JavaSparkContext jsc =
            new JavaSparkContext(
                EdgeSupport.conf("local[2]", "soak", localDir, EdgeSupport.KRYO_SERIALIZER)
                    .set(
                        "spark.shuffle.spill.numElementsForceSpillThreshold",
                        String.valueOf(FORCE_SPILL_RECORDS)))) {
      jsc.setLogLevel("WARN");
      jsc.sc()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
                  scala.Option<Object> id = submitted.stageInfo().shuffleDepId();
                  if (id.isDefined()) {
                    shuffleIds.add((Integer) id.get());
                  }
                }
              });
      for (int job = 0; job < JOBS; job++) {
        Kind kind = KINDS.get(job % KINDS.size());
        String label = "job " + job + " (" + kind.name() + ")";
        kind.job().runAndCheck(jsc, data(job), label);

        jsc.sc().listenerBus().waitUntilEmpty(60_000L);
        List<Integer> ran;
        synchronized (shuffleIds) {
          ran = new ArrayList<>(shuffleIds);
          shuffleIds.clear();
        }
        assertTrue(!ran.isEmpty(), label + ": the job shuffled");
        FileCensus during = FileCensus.of(localDir);
        assertTrue(
            during.leftovers().isEmpty(),
            label + ": spill or temp files left after the job: " + during);
        for (int shuffleId : ran) {
          jsc.sc().cleaner().get().doCleanupShuffle(shuffleId, true);
        }
        FileCensus after = FileCensus.of(localDir);
        assertEquals(
            0,
            after.fileCount(),
            label + ": files left after its shuffles " + ran + " were unregistered: " + after);
        assertEquals(
            0,
            EdgeSupport.executionMemoryUsed(),
            label + ": execution memory in use after the job");
        assertEquals(List.of(), leaks.unreleased(), label + ": memory a task did not free itself");
      }
      assertTrue(leaks.acquisitions() > 0, "the leak log saw the tasks' memory acquisitions");
    }
  }

  /** Seeded pairs: keys over a range that changes with the job (some jobs: few hot keys). */
  private static List<Tuple2<Long, Long>> data(int job) {
    SplittableRandom random = new SplittableRandom(0x50A4L + job);
    int keys = job % 3 == 0 ? 50 : job % 3 == 1 ? 5_000 : RECORDS;
    List<Tuple2<Long, Long>> data = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      data.add(new Tuple2<>((long) random.nextInt(keys), random.nextLong(1_000_000)));
    }
    return data;
  }

  private static JavaPairRDD<Long, Long> pairs(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data) {
    return jsc.parallelizePairs(data, MAP_PARTITIONS);
  }

  private static Map<Long, Long> sums(List<Tuple2<Long, Long>> data) {
    Map<Long, Long> sums = new HashMap<>();
    for (Tuple2<Long, Long> t : data) {
      sums.merge(t._1(), t._2(), Long::sum);
    }
    return sums;
  }

  private static Map<Long, List<Long>> sortedGroups(List<Tuple2<Long, Long>> data) {
    Map<Long, List<Long>> groups = new HashMap<>();
    for (Tuple2<Long, Long> t : data) {
      groups.computeIfAbsent(t._1(), k -> new ArrayList<>()).add(t._2());
    }
    groups.values().forEach(Collections::sort);
    return groups;
  }

  private static <K, V> Map<K, V> asMap(List<Tuple2<K, V>> collected, String label) {
    Map<K, V> map = new HashMap<>();
    for (Tuple2<K, V> t : collected) {
      assertEquals(null, map.put(t._1(), t._2()), label + ": key " + t._1() + " appears twice");
    }
    return map;
  }

  private static Map<Long, List<Long>> asSortedLists(
      List<Tuple2<Long, Iterable<Long>>> collected, String label) {
    Map<Long, List<Long>> groups = new HashMap<>();
    for (Tuple2<Long, Iterable<Long>> t : collected) {
      List<Long> values = new ArrayList<>();
      t._2().forEach(values::add);
      Collections.sort(values);
      assertEquals(null, groups.put(t._1(), values), label + ": key " + t._1() + " appears twice");
    }
    return groups;
  }

  private static void reduceByKey(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    assertEquals(
        sums(data),
        asMap(pairs(jsc, data).reduceByKey(Long::sum, REDUCE_PARTITIONS).collect(), label),
        label + ": reduceByKey");
  }

  private static void groupByKey(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    assertEquals(
        sortedGroups(data),
        asSortedLists(pairs(jsc, data).groupByKey(REDUCE_PARTITIONS).collect(), label),
        label + ": groupByKey");
  }

  private static void sortByKey(JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    List<Long> expected = new ArrayList<>();
    data.forEach(t -> expected.add(t._1()));
    Collections.sort(expected);
    List<Long> keys = pairs(jsc, data).sortByKey(true, REDUCE_PARTITIONS).keys().collect();
    assertEquals(expected, keys, label + ": sortByKey");
  }

  private static void partitionBy(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    HashPartitioner partitioner = new HashPartitioner(REDUCE_PARTITIONS);
    Map<Integer, Long> expected = new TreeMap<>();
    for (Tuple2<Long, Long> t : data) {
      expected.merge(partitioner.getPartition(t._1()), t._2(), Long::sum);
    }
    List<Tuple2<Integer, Long>> perPartition =
        pairs(jsc, data)
            .partitionBy(partitioner)
            .mapPartitionsWithIndex(
                (index, records) -> {
                  long sum = 0;
                  boolean any = false;
                  while (records.hasNext()) {
                    Tuple2<Long, Long> t = records.next();
                    if (partitioner.getPartition(t._1()) != index) {
                      throw new IllegalStateException("key " + t._1() + " in partition " + index);
                    }
                    sum += t._2();
                    any = true;
                  }
                  return any
                      ? List.of(new Tuple2<>(index, sum)).iterator()
                      : Collections.<Tuple2<Integer, Long>>emptyIterator();
                },
                true)
            .collect();
    assertEquals(expected, new TreeMap<>(asMap(perPartition, label)), label + ": partitionBy");
  }

  private static void aggregateByKey(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    Map<Long, Tuple2<Long, Long>> expected = new HashMap<>();
    for (Tuple2<Long, Long> t : data) {
      expected.merge(
          t._1(),
          new Tuple2<>(1L, t._2()),
          (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
    }
    List<Tuple2<Long, Tuple2<Long, Long>>> counted =
        pairs(jsc, data)
            .aggregateByKey(
                new Tuple2<>(0L, 0L),
                REDUCE_PARTITIONS,
                (acc, v) -> new Tuple2<>(acc._1() + 1, acc._2() + v),
                (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()))
            .collect();
    assertEquals(expected, asMap(counted, label), label + ": aggregateByKey");
  }

  private static void join(JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    // the right side: one row for every third key of the left side
    Map<Long, Long> right = new HashMap<>();
    for (Tuple2<Long, Long> t : data) {
      if (t._1() % 3 == 0) {
        right.put(t._1(), -t._1());
      }
    }
    List<Tuple2<Long, Long>> rightRows = new ArrayList<>();
    right.forEach((k, v) -> rightRows.add(new Tuple2<>(k, v)));
    Map<Long, Long> expected = new HashMap<>();
    for (Tuple2<Long, Long> t : data) {
      Long r = right.get(t._1());
      if (r != null) {
        expected.merge(t._1(), t._2() * 7 + r, Long::sum);
      }
    }
    List<Tuple2<Long, Long>> joined =
        pairs(jsc, data)
            .join(jsc.parallelizePairs(rightRows, 3), REDUCE_PARTITIONS)
            .mapValues(lr -> lr._1() * 7 + lr._2())
            .reduceByKey(Long::sum)
            .collect();
    assertEquals(expected, asMap(joined, label), label + ": join then reduceByKey");
  }

  private static void cogroupCounts(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    int half = data.size() / 2;
    List<Tuple2<Long, Long>> left = data.subList(0, half);
    List<Tuple2<Long, Long>> right = data.subList(half, data.size());
    Map<Long, Tuple2<Long, Long>> expected = new HashMap<>();
    left.forEach(
        t ->
            expected.merge(
                t._1(),
                new Tuple2<>(1L, 0L),
                (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2())));
    right.forEach(
        t ->
            expected.merge(
                t._1(),
                new Tuple2<>(0L, 1L),
                (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2())));
    List<Tuple2<Long, Tuple2<Long, Long>>> counts =
        pairs(jsc, new ArrayList<>(left))
            .cogroup(pairs(jsc, new ArrayList<>(right)), REDUCE_PARTITIONS)
            .mapValues(lr -> new Tuple2<>(count(lr._1()), count(lr._2())))
            .collect();
    assertEquals(expected, asMap(counts, label), label + ": cogroup");
  }

  private static long count(Iterable<?> values) {
    long n = 0;
    for (Object ignored : values) {
      n++;
    }
    return n;
  }

  private static void distinct(JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    Set<Long> expected = new HashSet<>();
    data.forEach(t -> expected.add(t._1() * 31 + t._2() % 7));
    List<Long> distinct =
        pairs(jsc, data).map(t -> t._1() * 31 + t._2() % 7).distinct(REDUCE_PARTITIONS).collect();
    assertEquals(expected.size(), distinct.size(), label + ": distinct has no duplicates");
    assertEquals(expected, new HashSet<>(distinct), label + ": distinct");
  }

  private static void spillwayReduceByKey(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    assertEquals(
        sums(data),
        asMap(
            SpillwayPairRDD.of(pairs(jsc, data))
                .reduceByKey(Long::sum, REDUCE_PARTITIONS)
                .collect(),
            label),
        label + ": SpillwayPairRDD.reduceByKey");
  }

  private static void spillwayGroupByKey(
      JavaSparkContext jsc, List<Tuple2<Long, Long>> data, String label) {
    // iterated inside the task (the lists may be on disk), then collected as sorted lists
    Function<List<Tuple2<Long, List<Long>>>, Map<Long, List<Long>>> toMap =
        collected -> {
          Map<Long, List<Long>> map = new HashMap<>();
          collected.forEach(
              t ->
                  assertEquals(
                      null, map.put(t._1(), t._2()), label + ": key " + t._1() + " appears twice"));
          return map;
        };
    List<Tuple2<Long, List<Long>>> grouped =
        SpillwayPairRDD.of(pairs(jsc, data))
            .groupByKey(REDUCE_PARTITIONS)
            .mapValues(
                values -> {
                  List<Long> sorted = new ArrayList<>();
                  values.forEach(sorted::add);
                  Collections.sort(sorted);
                  return sorted;
                })
            .collect();
    assertEquals(sortedGroups(data), toMap.apply(grouped), label + ": SpillwayPairRDD.groupByKey");
  }
}
