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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One application submitted the way a user submits it: {@code bin/spark-submit} is a script
 * around {@code java -cp SPARK_HOME/jars/* org.apache.spark.deploy.SparkSubmit ARGS}, and this
 * runs exactly that command (client deploy mode: the driver runs in this process). The plugin is
 * on no class path of it: it can only come in through the arguments ({@code --jars}).
 *
 * <p>The driver's standard output ({@code NAME.out}) is what the job prints, read while it runs
 * (for {@code FACT name=value} lines, see {@code io.spillway.it.cluster.jobs.Facts}); its
 * standard error ({@code NAME.log}) is Spark's log.
 */
public final class SubmittedApp implements AutoCloseable {
  public static final String FACT_PREFIX = "FACT ";
  private static final List<String> DRIVER_OPTIONS =
      List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final ManagedProcess driver;

  private SubmittedApp(ManagedProcess driver) {
    this.driver = driver;
  }

  /** Starts {@code SparkSubmit} with these arguments against the cluster's Spark home. */
  public static SubmittedApp start(
      String name, StandaloneCluster cluster, List<String> sparkSubmitArguments) {
    JavaCommand command =
        JavaCommand.forMainClass("org.apache.spark.deploy.SparkSubmit")
            .classPath(cluster.sparkHome().classPath())
            .jvmOptions(DRIVER_OPTIONS)
            .jvmOptions(ItArtifacts.sparkJvmFlags())
            .jvmOption("-Djava.io.tmpdir=" + cluster.temporaryDirectory())
            .environment("SPARK_HOME", cluster.sparkHome().root().toString())
            .environment("SPARK_SCALA_VERSION", "2.13")
            .environment("SPARK_LOCAL_IP", StandaloneCluster.MASTER_HOST)
            .arguments(sparkSubmitArguments);
    Path directory = cluster.runDirectory().resolve(name);
    return new SubmittedApp(ManagedProcess.start(name, command, directory, cluster.runDirectory()));
  }

  public ManagedProcess driver() {
    return driver;
  }

  public List<String> stdoutLines() {
    return driver.stdoutLines();
  }

  /** Every {@code FACT name=value} printed so far; a name printed twice keeps its last value. */
  public Map<String, String> facts() {
    Map<String, String> facts = new LinkedHashMap<>();
    for (String line : stdoutLines()) {
      if (line.startsWith(FACT_PREFIX)) {
        String fact = line.substring(FACT_PREFIX.length());
        int eq = fact.indexOf('=');
        if (eq > 0) {
          facts.put(fact.substring(0, eq), fact.substring(eq + 1));
        }
      }
    }
    return facts;
  }

  /** One fact as a list (facts print collections comma-separated); empty value: empty list. */
  public List<String> factList(String name) {
    String value = fact(name);
    return value.isEmpty() ? List.of() : new ArrayList<>(List.of(value.split(",")));
  }

  /** A fact the job must have printed. */
  public String fact(String name) {
    String value = facts().get(name);
    if (value == null) {
      throw new AssertionError("the job printed no fact '" + name + "'\n" + describe());
    }
    return value;
  }

  /** Waits until the job prints the fact; fails if the driver exits first or on timeout. */
  public String awaitFact(String name, Duration timeout) {
    return Poll.until(
        "the driver to print FACT " + name,
        timeout,
        () -> {
          Optional<String> value = Optional.ofNullable(facts().get(name));
          if (value.isEmpty() && !driver.isAlive()) {
            throw new AssertionError(
                "the driver exited before printing FACT " + name + "\n" + describe());
          }
          return value;
        },
        this::describe);
  }

  /** Waits for the driver to exit and returns its exit code; on timeout stops it and fails. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    OptionalInt code = driver.waitFor(timeout);
    if (code.isEmpty()) {
      driver.close();
      throw new AssertionError(
          "spark-submit did not finish within "
              + timeout.toSeconds()
              + " s; stopped it\n"
              + describe());
    }
    return code.getAsInt();
  }

  /** Where to look, with the end of the driver's log. */
  public String describe() {
    return "driver "
        + driver
        + ", stdout "
        + driver.stdout()
        + "; last lines of its log:\n"
        + driver.logTail(25);
  }

  @Override
  public void close() {
    driver.close();
  }
}
