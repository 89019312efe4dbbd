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
package io.spillway.it.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * What the build made for the cluster tests, found through system properties that the
 * integration-tests pom sets for failsafe: the packaged plugin jar, the examples jar, the
 * cluster-jobs jar, the assembled Spark home, Spark's JVM module flags and the directory for this
 * run's logs. A missing artifact fails with a message that says which property and how to build it
 * (the tests run from {@code mvn verify}, after {@code package}; from an IDE, set the properties).
 */
public final class ItArtifacts {
  public static final String PLUGIN_JAR = "spillway.it.pluginJar";
  public static final String EXAMPLES_JAR = "spillway.it.examplesJar";
  public static final String JOBS_JAR = "spillway.it.jobsJar";
  public static final String SPARK_HOME = "spillway.it.sparkHome";
  public static final String SPARK_JVM_FLAGS = "spillway.it.sparkJvmFlags";
  public static final String CLUSTER_DIR = "spillway.it.clusterDir";

  private static final String HOW_TO_BUILD =
      "run the cluster tests through Maven: mvn -B -pl integration-tests -am verify";

  private ItArtifacts() {}

  /** spark-plugin/target/spillway-spark_2.13-VERSION.jar, what users pass to --jars. */
  public static Path pluginJar() {
    return existingFile(PLUGIN_JAR);
  }

  /** examples/target/spillway-examples-VERSION.jar. */
  public static Path examplesJar() {
    return existingFile(EXAMPLES_JAR);
  }

  /** integration-tests/target/...-cluster-jobs.jar: the driver programs of the fault tests. */
  public static Path jobsJar() {
    return existingFile(JOBS_JAR);
  }

  public static SparkHome sparkHome() {
    return new SparkHome(Paths.get(required(SPARK_HOME)));
  }

  /** Spark's JVM module flags (the root pom's spark.jvm.flags), one option per element. */
  public static List<String> sparkJvmFlags() {
    return Arrays.stream(required(SPARK_JVM_FLAGS).trim().split("\\s+"))
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** A new directory for one run's logs and work directories, under target/cluster-it. */
  public static Path newRunDirectory(String name) {
    Path base = Paths.get(System.getProperty(CLUSTER_DIR, "target/cluster-it"));
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    try {
      Files.createDirectories(base);
      return Files.createTempDirectory(base, name + "-" + stamp + "-").toAbsolutePath();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create a run directory under " + base, e);
    }
  }

  private static Path existingFile(String property) {
    Path path = Paths.get(required(property));
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "System property "
              + property
              + " names "
              + path
              + ", which does not exist; "
              + HOW_TO_BUILD
              + " (it packages the jar first)");
    }
    return path.toAbsolutePath();
  }

  private static String required(String property) {
    String value = System.getProperty(property, "").trim();
    if (value.isEmpty()) {
      throw new IllegalStateException(
          "System property "
              + property
              + " is not set; "
              + HOW_TO_BUILD
              + " (the integration-tests pom sets it for failsafe)");
    }
    return value;
  }
}
