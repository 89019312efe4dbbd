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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs one job twice, once on Spark's built-in sort shuffle and once on the manager under test,
 * each in its own {@code local[2]} SparkContext with memory small enough that shuffles spill.
 */
final class ParityHarness {

  static final String JAVA_SERIALIZER = "org.apache.spark.serializer.JavaSerializer";
  static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

  /** Spark's memory for the whole local "executor": 128 MiB, of which 60% is execution+storage. */
  static final long TESTING_MEMORY_BYTES = 128L << 20;

  /** Every sorter and map spills after this many records, whatever memory is left. */
  static final int FORCE_SPILL_ELEMENTS = 1000;

  private ParityHarness() {}

  /** What one run produced. */
  record Run<T>(
      String managerSetting, String managerClass, T result, TaskMetricsListener.Totals metrics) {}

  static SparkConf conf(String managerSetting, String serializer, String appName) {
    return new SparkConf()
        .setMaster("local[2]")
        .setAppName(appName)
        .set("spark.shuffle.manager", managerSetting)
        .set("spark.serializer", serializer)
        .set("spark.ui.enabled", "false")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.testing.memory", Long.toString(TESTING_MEMORY_BYTES))
        .set(
            "spark.shuffle.spill.numElementsForceSpillThreshold",
            Integer.toString(FORCE_SPILL_ELEMENTS))
        // Every shuffle without map-side combine would otherwise take the bypass-merge writer
        // (one file per reducer, never spills). 0 sends all of them through the sorting writers,
        // which are the code paths that spill.
        .set("spark.shuffle.sort.bypassMergeThreshold", "0")
        // Spillway merges at most this many spill files at once; with ~25 or more spills per task
        // here, 8 makes every merge multi-round. Spark's sort shuffle ignores the key.
        .set("spark.spillway.merge.maxOpenFiles", "8")
        .set("spark.default.parallelism", "3")
        // SQL: adaptive execution on, no broadcast joins, so every join is a shuffle join.
        .set("spark.sql.adaptive.enabled", "true")
        .set("spark.sql.autoBroadcastJoinThreshold", "-1")
        .set("spark.sql.adaptive.autoBroadcastJoinThreshold", "-1")
        .set("spark.sql.shuffle.partitions", "6");
  }

  static <T> Run<T> runRdd(
      String managerSetting, String serializer, String appName, Function<JavaSparkContext, T> job) {
    try (JavaSparkContext jsc = new JavaSparkContext(conf(managerSetting, serializer, appName))) {
      SparkContext sc = jsc.sc();
      TaskMetricsListener listener = TaskMetricsListener.register(sc);
      T result = job.apply(jsc);
      String managerClass = SparkEnv.get().shuffleManager().getClass().getName();
      return new Run<>(managerSetting, managerClass, result, listener.snapshot(sc));
    }
  }

  static <T> Run<T> runSql(
      String managerSetting, String serializer, String appName, Function<SparkSession, T> job) {
    SparkSession spark =
        SparkSession.builder().config(conf(managerSetting, serializer, appName)).getOrCreate();
    try {
      SparkContext sc = spark.sparkContext();
      TaskMetricsListener listener = TaskMetricsListener.register(sc);
      T result = job.apply(spark);
      String managerClass = SparkEnv.get().shuffleManager().getClass().getName();
      return new Run<>(managerSetting, managerClass, result, listener.snapshot(sc));
    } finally {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  /**
   * Checks the run on the manager under test against the reference run: both ran on the manager
   * they were configured with, the manager under test spilled, and the results are equal.
   */
  static <T> void assertParity(Run<T> reference, Run<T> underTest) {
    System.out.printf(
        "%s: reference %s%n%s: under test %s%n",
        reference.managerClass(),
        reference.metrics(),
        underTest.managerClass(),
        underTest.metrics());
    assertEquals(
        ItConfig.SPARK_SORT_MANAGER,
        reference.managerClass(),
        "reference run must use Spark's sort shuffle");
    assertEquals(
        ItConfig.expectedManagerClassName(underTest.managerSetting()),
        underTest.managerClass(),
        "SparkEnv.get().shuffleManager() of the run under test");
    assertTrue(
        underTest.metrics().spilled(),
        () ->
            "the run under test must spill (memory or disk bytes spilled > 0); its metrics: "
                + underTest.metrics()
                + "; the reference run's: "
                + reference.metrics());
    assertTrue(
        underTest.metrics().shuffleRecordsWritten() > 0,
        () -> "the job must shuffle: " + underTest.metrics());
    assertSameList(reference.result(), underTest.result());
  }

  /**
   * Equal lists, reporting sizes and the first difference instead of printing both (they can hold
   * hundreds of thousands of elements).
   */
  static void assertSameList(Object expected, Object actual) {
    assertSameList("result", expected, actual);
  }

  private static void assertSameList(String path, Object expected, Object actual) {
    if (!(expected instanceof List<?> e) || !(actual instanceof List<?> a)) {
      assertEquals(expected, actual, path);
      return;
    }
    int common = Math.min(e.size(), a.size());
    for (int i = 0; i < common; i++) {
      Object x = e.get(i);
      Object y = a.get(i);
      if (!Objects.equals(x, y)) {
        if (x instanceof List<?> && y instanceof List<?>) {
          assertSameList(path + "[" + i + "]", x, y); // a list of parts: name the part
        }
        fail(
            path
                + " differs first at index "
                + i
                + " of "
                + e.size()
                + " (reference) / "
                + a.size()
                + " (under test): reference "
                + x
                + ", under test "
                + y);
      }
    }
    assertEquals(e.size(), a.size(), path + " sizes (reference vs under test)");
  }

  static <T> List<T> sorted(List<T> values, Comparator<? super T> order) {
    List<T> copy = new ArrayList<>(values);
    copy.sort(order);
    return copy;
  }
}
