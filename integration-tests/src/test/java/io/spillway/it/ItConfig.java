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

import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * Which shuffle manager the integration tests run against, and the settings every suite shares.
 *
 * <p>The manager is named by a string, never by a class literal, so this module compiles and runs
 * before {@code io.spillway.SpillwayShuffleManager} exists. Maven passes the property
 * {@code it.shuffle.manager} as the system property {@value #MANAGER_PROPERTY}; run
 * {@code -Dit.shuffle.manager=sort} to prove the harness with Spark's built-in shuffle.
 */
public final class ItConfig {

  /** The product class. */
  public static final String SPILLWAY_MANAGER = "io.spillway.SpillwayShuffleManager";

  /** System property naming the manager under test (class name or Spark short name). */
  public static final String MANAGER_PROPERTY = "spillway.it.shuffleManager";

  /** System property with the JVM options for local-cluster executors. */
  public static final String EXECUTOR_OPTIONS_PROPERTY = "spillway.it.executorJavaOptions";

  /** Spark's built-in sort shuffle, the reference the parity tests compare against. */
  public static final String SPARK_SORT_MANAGER =
      "org.apache.spark.shuffle.sort.SortShuffleManager";

  /** Default executor options: C1 only and the serial GC (measured: halves ShuffleSuite's time). */
  public static final String DEFAULT_EXECUTOR_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private ItConfig() {}

  /** The value for {@code spark.shuffle.manager} in the runs under test. */
  public static String managerUnderTest() {
    String value = System.getProperty(MANAGER_PROPERTY, "").trim();
    return value.isEmpty() ? SPILLWAY_MANAGER : value;
  }

  /**
   * The class {@code SparkEnv.get().shuffleManager()} must have for a given
   * {@code spark.shuffle.manager} value (Spark maps "sort" and "tungsten-sort" to its own class).
   */
  public static String expectedManagerClassName(String managerSetting) {
    switch (managerSetting.toLowerCase(Locale.ROOT)) {
      case "sort":
      case "tungsten-sort":
        return SPARK_SORT_MANAGER;
      default:
        return managerSetting;
    }
  }

  /** True when the manager under test is Spark's own sort shuffle (the harness-proving mode). */
  public static boolean managerUnderTestIsSparkSort() {
    return SPARK_SORT_MANAGER.equals(expectedManagerClassName(managerUnderTest()));
  }

  public static String executorJavaOptions() {
    String value = System.getProperty(EXECUTOR_OPTIONS_PROPERTY, "").trim();
    return value.isEmpty() ? DEFAULT_EXECUTOR_OPTIONS : value;
  }

  /** Points a suite's conf at the manager under test, with the lighter executor JVMs. */
  public static SparkConf useManagerUnderTest(SparkConf conf) {
    return conf.set("spark.shuffle.manager", managerUnderTest())
        .set("spark.executor.extraJavaOptions", executorJavaOptions());
  }
}
