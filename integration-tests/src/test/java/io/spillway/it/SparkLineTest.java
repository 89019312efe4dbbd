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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spillway.spark.SparkVersion;
import io.spillway.spark.SparkVersionBridge;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.MapOutputTrackerMaster;
import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one plugin jar on the Spark line this module was built against (CI runs this module on
 * every supported line, with the jar built once against 4.1): the Spark running is the one the
 * build asked for, the version bridge chose that line's API, and a SQL shuffle with Spark 4.1's
 * order-independent row checksums gives the rows and the per-map checksums Spark's own sort
 * shuffle gives (on 4.0, which has neither the setting nor the checksums, the same rows).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SparkLineTest {
  private static final String RUNNING = org.apache.spark.package$.MODULE$.SPARK_VERSION();

  @Test
  void theSparkRunningIsTheOneTheBuildAskedFor() {
    String asked = System.getProperty("spillway.it.sparkVersion", "");
    assumeTrue(!asked.isEmpty(), "run by Maven, which passes -Dspark.version");
    assertEquals(asked, RUNNING);
  }

  @Test
  void theBridgeSpeaksThisLinesApi() {
    boolean is40 = SparkVersion.parse(RUNNING).compareLine(new SparkVersion(4, 1, 0)) < 0;
    assertEquals(
        is40 ? "Spark 4.0 API" : "Spark 4.1+ API",
        SparkVersionBridge.forRunningSpark().api(),
        "on Spark " + RUNNING);
  }

  @Test
  void sqlShuffleWithRowChecksumsEqualsSparkSortShuffle() throws Exception {
    Result reference = run("sort");
    Result underTest = run(ItConfig.managerUnderTest());
    assertEquals(reference.rows, underTest.rows);
    assertEquals(8, underTest.checksums.size(), "one status per map task");
    assertEquals(reference.checksums, underTest.checksums, "per-map row checksums");
    boolean hasChecksums = SparkVersion.parse(RUNNING).compareLine(new SparkVersion(4, 1, 0)) >= 0;
    // 4.1+: SQL asked for row checksums and got them; 4.0: there are none (reported as 0)
    assertEquals(
        hasChecksums,
        underTest.checksums.stream().anyMatch(c -> c != 0L),
        "checksums on Spark " + RUNNING + ": " + underTest.checksums);
  }

  private record Result(List<String> rows, List<Long> checksums) {}

  private static Result run(String manager) throws Exception {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("spark-line-" + manager)
            .config("spark.ui.enabled", "false")
            .config("spark.unsafe.exceptionOnMemoryLeak", "true")
            .config("spark.shuffle.manager", manager)
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.shuffle.orderIndependentChecksum.enabled", "true")
            // 4.1 removes a query's shuffles when it ends; the map statuses are read after it
            .config("spark.sql.classic.shuffleDependency.fileCleanup.enabled", "false")
            .getOrCreate();
    try {
      List<String> rows = new ArrayList<>();
      for (Row row :
          spark
              .range(0, 40_000, 1, 8)
              .selectExpr("CAST(pmod(hash(id, 3), 501) AS INT) AS k", "id AS v")
              .repartition(16, org.apache.spark.sql.functions.col("k"))
              .groupBy("k")
              .sum("v")
              .orderBy("k")
              .collectAsList()) {
        rows.add(row.toString());
      }
      assertEquals(501, rows.size());
      return new Result(rows, checksumsOfRepartition());
    } finally {
      spark.stop();
    }
  }

  /**
   * The row checksum of each map status of the repartition's shuffle (the only one with 8 map
   * tasks: the orderBy's has 16), 0 where none.
   */
  private static List<Long> checksumsOfRepartition() throws Exception {
    MapOutputTrackerMaster tracker = (MapOutputTrackerMaster) SparkEnv.get().mapOutputTracker();
    List<MapStatus[]> eightMaps = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    scala.collection.Iterator<? extends scala.Tuple2<?, ?>> shuffles =
        tracker.shuffleStatuses().iterator();
    while (shuffles.hasNext()) {
      scala.Tuple2<?, ?> entry = shuffles.next();
      MapStatus[] statuses = ((org.apache.spark.ShuffleStatus) entry._2()).mapStatuses();
      seen.add("shuffle " + entry._1() + ": " + statuses.length + " maps");
      if (statuses.length == 8) {
        eightMaps.add(statuses);
      }
    }
    assertEquals(1, eightMaps.size(), "one shuffle of 8 map tasks: " + seen);
    MapStatus[] statuses = eightMaps.get(0);
    Method checksumValue = null;
    try {
      checksumValue = MapStatus.class.getMethod("checksumValue"); // 4.1+
    } catch (NoSuchMethodException onSpark40) {
      // no row checksums on this line
    }
    List<Long> checksums = new ArrayList<>();
    for (MapStatus status : statuses) {
      assertNotEquals(null, status);
      checksums.add(checksumValue == null ? 0L : (Long) checksumValue.invoke(status));
    }
    return checksums;
  }
}
