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
package io.spillway.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shuffles a benchmark compares: Spark's built-in sort shuffle (the baseline every ratio is
 * taken against), Spillway, and DataFusion Comet (SQL workloads only: its native shuffle and
 * operators take over Spark SQL plans, RDD shuffles would fall back to Spark's). Each contender's
 * runs of a workload are served by a worker JVM of its own; only the settings below and, for
 * Comet, its jar on the worker's class path differ between contenders.
 */
enum Contender {
  BUILT_IN("built-in", "sort"),
  SPILLWAY("Spillway", "io.spillway.SpillwayShuffleManager"),
  COMET("Comet", "org.apache.spark.sql.comet.execution.shuffle.CometShuffleManager");

  /**
   * System property naming Comet's jar (set by the benchmark profile of examples/pom.xml, which
   * copies it from Maven Central into examples/target/): only Comet's worker JVMs get it on their
   * class path, so the other contenders run without it.
   */
  static final String COMET_JAR_PROPERTY = "spillway.bench.cometJar";

  final String label;
  final String shuffleManager;

  Contender(String label, String shuffleManager) {
    this.label = label;
    this.shuffleManager = shuffleManager;
  }

  /** Short name for file names and the CSV. */
  String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace("_", "-");
  }

  /** Whether this contender runs the workload at all; {@link #whyNot} says why not. */
  boolean runs(Workloads.Workload workload) {
    return this != COMET || workload.sql();
  }

  String whyNot(Workloads.Workload workload) {
    return this == COMET && !workload.sql()
        ? "Comet accelerates Spark SQL (DataFrame) plans only; an RDD shuffle under "
            + "CometShuffleManager falls back to Spark's sort-shuffle writers and reader, so a Comet "
            + "run would measure the built-in shuffle again"
        : null;
  }

  /**
   * Settings on top of the common ones. Comet's are the ones its documentation asks for: the
   * plugin, its shuffle manager, native execution and native shuffle on, and the off-heap memory
   * its native operators allocate from (Comet requires off-heap memory to be enabled).
   */
  Map<String, String> conf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.shuffle.manager", shuffleManager);
    if (this == COMET) {
      conf.put("spark.plugins", "org.apache.spark.CometPlugin");
      conf.put("spark.comet.enabled", "true");
      conf.put("spark.comet.exec.enabled", "true");
      conf.put("spark.comet.shuffle.enabled", "true");
      conf.put("spark.memory.offHeap.enabled", "true");
      conf.put("spark.memory.offHeap.size", "1g");
      // The workloads generate their input with spark.range, whose native operator Comet leaves
      // off by default; a user's job starts from a scan Comet runs natively (Parquet), so with
      // Range native the plan is native from its source on, as a user's would be. Without it
      // Comet shuffles Spark rows through its JVM columnar shuffle (CometColumnarExchange).
      conf.put("spark.comet.exec.range.enabled", "true");
      // logging only (at planning): why an operator or exchange stays on Spark, in the worker log
      conf.put("spark.comet.explain.fallback.enabled", "true");
    }
    return conf;
  }

  /** Extra class path entries of this contender's worker JVMs; null if a needed jar is missing. */
  String extraClassPath() {
    if (this != COMET) {
      return "";
    }
    String jar = System.getProperty(COMET_JAR_PROPERTY);
    return jar != null && Files.isRegularFile(Path.of(jar)) ? jar : null;
  }

  static Contender byId(String id) {
    for (Contender c : values()) {
      if (c.id().equals(id) || c.name().equalsIgnoreCase(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "Unknown contender '" + id + "'; known: built-in, spillway, comet");
  }
}
