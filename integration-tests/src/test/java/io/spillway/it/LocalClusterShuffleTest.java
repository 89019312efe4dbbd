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
package io.spillway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TestUtils$;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Function1;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The manager under test on a real {@code local-cluster[2,1,1024]}: a standalone master, two
 * workers and two executor JVMs of one core each. Proves the executors are other processes that
 * loaded the manager, and that reduceByKey and groupByKey across them equal a driver-side oracle.
 *
 * <p>Needs (set by the pom): env SPARK_SCALA_VERSION=2.13, SPARK_LOCAL_IP=127.0.0.1, and the
 * system properties spark.testing=1 and spark.test.home; with spark.testing the executors get the
 * driver's class path, so they see the plugin's target/classes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalClusterShuffleTest {

  private static final long SEED = 42L;
  private static final int MAP_PARTITIONS = 4;
  private static final int PER_PARTITION = 25_000;
  private static final int KEYS = 1_000;

  @Test
  void shuffleAcrossTwoExecutorJvms() {
    String manager = ItConfig.managerUnderTest();
    String expectedClass = ItConfig.expectedManagerClassName(manager);
    SparkConf conf =
        new SparkConf()
            .setMaster("local-cluster[2,1,1024]")
            .setAppName("local-cluster-shuffle")
            .set("spark.ui.enabled", "false")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.shuffle.manager", manager)
            .set("spark.executor.extraJavaOptions", ItConfig.executorJavaOptions())
            .set("spark.shuffle.spill.numElementsForceSpillThreshold", "5000");
    long driverPid = ProcessHandle.current().pid();

    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      TestUtils$.MODULE$.waitUntilExecutorsUp(jsc.sc(), 2, 120_000L);
      TaskMetricsListener listener = TaskMetricsListener.register(jsc.sc());

      // A barrier stage of 2 tasks needs 2 slots at once; each executor has 1 core, so one task
      // runs on each executor. No sleeps, no luck.
      List<String> seen = executorsSeen(jsc);
      assertEquals(2, seen.size(), "one barrier task per executor: " + seen);
      List<Long> pids = new ArrayList<>();
      for (String s : seen) {
        String[] parts = s.split(" ");
        long pid = Long.parseLong(parts[0]);
        assertNotEquals(driverPid, pid, "executor runs in another JVM than the driver: " + seen);
        assertEquals(expectedClass, parts[1], "the executor's SparkEnv.shuffleManager: " + seen);
        pids.add(pid);
      }
      assertNotEquals(pids.get(0), pids.get(1), "two executor JVMs: " + seen);

      // reduceByKey against a driver-side oracle
      Map<Integer, Long> sums =
          new TreeMap<>(
              Data.pairs(jsc, SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
                  .mapValues(v -> (long) v)
                  .reduceByKey(Long::sum, 6)
                  .collectAsMap());
      Map<Integer, Long> expectedSums = new TreeMap<>();
      Map<Integer, List<Integer>> expectedGroups = new HashMap<>();
      Iterator<Tuple2<Integer, Integer>> local =
          Data.local(SEED, MAP_PARTITIONS, PER_PARTITION, KEYS);
      while (local.hasNext()) {
        Tuple2<Integer, Integer> r = local.next();
        expectedSums.merge(r._1(), (long) r._2(), Long::sum);
        expectedGroups.computeIfAbsent(r._1(), k -> new ArrayList<>()).add(r._2());
      }
      assertEquals(expectedSums, sums, "reduceByKey across executors");

      // groupByKey against the oracle (values compared as sorted lists)
      List<Tuple2<Integer, List<Integer>>> groups =
          Data.pairs(jsc, SEED, MAP_PARTITIONS, PER_PARTITION, KEYS)
              .groupByKey(5)
              .mapValues(
                  values -> {
                    List<Integer> list = new ArrayList<>();
                    values.forEach(list::add);
                    list.sort(null);
                    return list;
                  })
              .collect();
      Map<Integer, List<Integer>> actualGroups = new HashMap<>();
      groups.forEach(g -> assertEquals(null, actualGroups.put(g._1(), g._2()), "key once"));
      expectedGroups.values().forEach(list -> list.sort(null));
      assertEquals(expectedGroups.keySet(), actualGroups.keySet(), "groupByKey keys");
      for (Map.Entry<Integer, List<Integer>> e : expectedGroups.entrySet()) {
        assertEquals(e.getValue(), actualGroups.get(e.getKey()), "values of key " + e.getKey());
      }

      TaskMetricsListener.Totals totals = listener.snapshot(jsc.sc());
      System.out.println("local-cluster executors " + seen + ", metrics " + totals);
    }
  }

  /** "pid managerClass" of the JVM each of two barrier tasks ran in, sorted. */
  private static List<String> executorsSeen(JavaSparkContext jsc) {
    JavaRDD<Integer> two = jsc.parallelize(List.of(0, 1), 2);
    ClassTag<String> stringTag = ClassTag$.MODULE$.apply(String.class);
    Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>> probe =
        (Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>>
                & Serializable)
            ignored ->
                CollectionConverters.asScala(
                    List.of(
                            ProcessHandle.current().pid()
                                + " "
                                + SparkEnv.get().shuffleManager().getClass().getName())
                        .iterator());
    List<String> seen =
        two.rdd().barrier().mapPartitions(probe, false, stringTag).toJavaRDD().collect();
    return seen.stream().sorted(Comparator.naturalOrder()).collect(Collectors.toList());
  }
}
