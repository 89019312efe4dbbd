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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.it.cluster.ExecutorLogs;
import io.spillway.it.cluster.ItArtifacts;
import io.spillway.it.cluster.MasterStatus;
import io.spillway.it.cluster.SparkHome;
import io.spillway.it.cluster.StandaloneCluster;
import io.spillway.it.cluster.SubmittedApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Spillway on a real Spark standalone cluster, submitted as a user submits it: a Master and two
 * Workers (one core each, on the loopback hosts 127.0.0.1 and 127.0.0.2) started from the Spark
 * home the build assembled, executors launched by the Workers, and drivers started with
 * {@code SparkSubmit --jars spillway-spark_2.13.jar --conf spark.shuffle.manager=...}. The plugin is on
 * no class path of the cluster or the driver; it reaches the executors through {@code --jars}.
 *
 * <ol>
 *   <li>The README's example job runs on the cluster, equals its driver-side oracle, and every
 *       executor loaded Spillway from the shipped jar.</li>
 *   <li>External shuffle service + dynamic allocation: the executors that wrote the map output
 *       are removed before the reduce stage, which reads every block from the service on new
 *       executors; the map stage ran once, no fetch failed, the result equals the oracle.</li>
 *   <li>Decommissioning: SIGPWR to the Worker on 127.0.0.2 after the map stage; its executor
 *       migrates its Spillway shuffle files to the executor on 127.0.0.1, the driver's map-output
 *       locations move there, and the reduce stage reads them without recomputing the map
 *       stage. Runs last: the decommissioned Worker takes no more executors.</li>
 * </ol>
 *
 * <p>One cluster serves all three (started once, stopped after the last test, on failure too).
 * Logs: {@code integration-tests/target/cluster-it/StandaloneClusterIT-*}; every failure message
 * names the files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Duration APP_TIMEOUT = Duration.ofMinutes(8);
  private static final String DECOMMISSIONED_HOST = StandaloneCluster.WORKER_HOSTS.get(1);
  private static final String SURVIVING_HOST = StandaloneCluster.WORKER_HOSTS.get(0);

  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() {
    SparkHome home = ItArtifacts.sparkHome().checkAssembled();
    cluster =
        StandaloneCluster.start(
            home,
            ItArtifacts.sparkJvmFlags(),
            ItArtifacts.newRunDirectory(StandaloneClusterIT.class.getSimpleName()));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void exampleRunsOnTheClusterWithThePluginFromJarsOnly() throws Exception {
    assertEquals(
        List.of(),
        cluster.sparkHome().spillwayJars(),
        "the Spark home the cluster and the driver run from has no Spillway jar");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.executor.memory", StandaloneCluster.WORKER_MEMORY);
    try (SubmittedApp app =
        SubmittedApp.start(
            "shuffle-example",
            cluster,
            submitArguments(
                "io.spillway.examples.ShuffleExample", ItArtifacts.examplesJar(), conf))) {
      List<String> driverCommand = app.driver().command();
      assertEquals(
          cluster.sparkHome().classPath(),
          driverCommand.get(driverCommand.indexOf("-cp") + 1),
          "the driver's class path is the Spark home's jars, nothing else");
      int exitCode = app.awaitExit(APP_TIMEOUT);
      List<String> out = app.stdoutLines();
      String where =
          "\nstdout:\n"
              + String.join("\n", out)
              + "\n"
              + app.describe()
              + "\n"
              + cluster.describe();
      assertEquals(0, exitCode, "spark-submit's exit code" + where);
      assertTrue(
          out.stream().anyMatch(l -> l.startsWith("ALL CHECKS PASSED")),
          "the example's verdict" + where);
      assertTrue(out.stream().noneMatch(l -> l.contains("MISMATCH")), "no check failed" + where);
      assertTrue(
          out.stream()
                  .filter(l -> l.trim().startsWith("check ") && l.trim().endsWith(" OK"))
                  .count()
              >= 5,
          "the example's checks ran" + where);
      String manager = ItConfig.managerUnderTest();
      String managerClass = ItConfig.expectedManagerClassName(manager);
      assertTrue(
          out.contains("spark.shuffle.manager = " + manager + " (" + managerClass + ")"),
          "the driver's shuffle manager" + where);
      String applicationId = applicationIdOf(out, where);

      // Executor side: both Workers launched an executor, from the Spark home's jars only, and
      // each added the shipped plugin jar to its class loader and started the manager from it.
      ExecutorLogs logs = cluster.executorLogs(applicationId);
      assertEquals(2, logs.all().size(), "one executor per Worker: " + logs + where);
      String pluginJarName = ItArtifacts.pluginJar().getFileName().toString();
      Pattern addedToClassLoader =
          Pattern.compile("Adding file:\\S*/" + Pattern.quote(pluginJarName) + " to class loader");
      for (ExecutorLogs.ExecutorLog log : logs.all()) {
        String launch = log.launchCommand();
        List<String> classPath = executorClassPath(launch);
        assertTrue(
            classPath.contains(cluster.sparkHome().classPath()),
            "the Worker launched executor " + log.executorId() + " from the Spark home: " + launch);
        assertTrue(
            classPath.stream()
                .allMatch(entry -> entry.startsWith(cluster.sparkHome().root().toString())),
            "executor "
                + log.executorId()
                + "'s class path is the Spark home's, nothing else: "
                + launch);
        assertTrue(
            addedToClassLoader.matcher(log.text()).find(),
            "executor "
                + log.executorId()
                + " added "
                + pluginJarName
                + " (from --jars) to its "
                + "class loader; log "
                + log.stderr());
        if (ItConfig.SPILLWAY_MANAGER.equals(managerClass)) {
          assertTrue(
              log.contains("SpillwayShuffleManager: Spillway ")
                  && log.contains(" shuffle manager started on Spark "),
              "executor " + log.executorId() + " started Spillway's manager; log " + log.stderr());
        }
      }
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void reduceStageReadsFromTheShuffleServiceAfterDynamicAllocationRemovedTheMapExecutors()
      throws Exception {
    Map<String, String> conf = faultJobConf();
    conf.put("spark.shuffle.service.enabled", "true");
    conf.put("spark.shuffle.service.port", String.valueOf(cluster.shuffleServicePort()));
    // every reduce read goes over the network to the service (no host-local file reads)
    conf.put("spark.shuffle.readHostLocalDisk", "false");
    conf.put("spark.dynamicAllocation.enabled", "true");
    conf.put("spark.dynamicAllocation.initialExecutors", "2");
    conf.put("spark.dynamicAllocation.minExecutors", "0");
    conf.put("spark.dynamicAllocation.maxExecutors", "2");
    conf.put("spark.dynamicAllocation.executorIdleTimeout", "2s");
    conf.put("spark.dynamicAllocation.schedulerBacklogTimeout", "1s");
    try (SubmittedApp app =
        SubmittedApp.start(
            "dynamic-allocation",
            cluster,
            submitArguments(
                "io.spillway.it.cluster.jobs.DynamicAllocationJob",
                ItArtifacts.jobsJar(),
                conf,
                "180"))) {
      int exitCode = app.awaitExit(APP_TIMEOUT);
      String where = "\nfacts: " + app.facts() + "\n" + app.describe() + "\n" + cluster.describe();
      assertEquals(0, exitCode, "spark-submit's exit code" + where);
      assertEquals("true", app.fact("dynamic-allocation"), where);
      assertEquals("true", app.fact("shuffle-service"), where);

      Set<String> mapExecutors = executorIds(app.factList("map-executors"));
      assertFalse(mapExecutors.isEmpty(), "map tasks ran" + where);
      assertEquals(
          mapExecutors,
          new TreeSet<>(app.factList("map-executors-removed-before-reduce")),
          "every executor that wrote map output was removed before the reduce stage" + where);
      Set<String> reduceExecutors = executorIds(app.factList("reduce-executors"));
      assertFalse(reduceExecutors.isEmpty(), "reduce tasks ran" + where);
      Set<String> overlap = new TreeSet<>(reduceExecutors);
      overlap.retainAll(mapExecutors);
      assertEquals(Set.of(), overlap, "the reduce stage ran on new executors only" + where);
      assertTrue(
          Long.parseLong(app.fact("reduce-remote-bytes-read")) > 0,
          "the reduce stage fetched the map output over the network" + where);
      assertEquals(
          "0",
          app.fact("reduce-local-bytes-read"),
          "no reduce task read a map output file itself" + where);
      assertNoRecomputation(app, where);
      assertManagerEverywhere(app, where);
      assertTrue(app.fact("result-vs-oracle").startsWith("equal"), "result vs oracle" + where);

      // the map executors had registered with the shuffle service in worker 1
      String applicationId = app.fact("app-id");
      List<String> serviceLog = cluster.workers().get(0).process().logLines();
      for (String executorId : mapExecutors) {
        String registration = "appId=" + applicationId + ",execId=" + executorId + "]";
        assertTrue(
            serviceLog.stream()
                .anyMatch(l -> l.contains("Registered executor") && l.contains(registration)),
            "the shuffle service registered executor "
                + executorId
                + " (log "
                + cluster.workers().get(0).process().log()
                + ")"
                + where);
      }
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void decommissionedWorkersShuffleFilesMigrateAndTheReduceStageReadsThem() throws Exception {
    StandaloneCluster.Worker victim = cluster.workerOn(DECOMMISSIONED_HOST);
    Map<String, String> conf = faultJobConf();
    conf.put("spark.cores.max", "2");
    conf.put("spark.decommission.enabled", "true");
    conf.put("spark.storage.decommission.enabled", "true");
    conf.put("spark.storage.decommission.shuffleBlocks.enabled", "true");
    // an executor exits after a migration round that found nothing left; rounds are 30 s apart
    // by default
    conf.put("spark.storage.decommission.replicationReattemptInterval", "1s");
    try (SubmittedApp app =
        SubmittedApp.start(
            "decommission",
            cluster,
            submitArguments(
                "io.spillway.it.cluster.jobs.DecommissionJob",
                ItArtifacts.jobsJar(),
                conf,
                victim.host(),
                "180"))) {
      assertEquals(victim.host(), app.awaitFact("ready-for-decommission", APP_TIMEOUT));
      List<String> before = app.factList("map-output-locations-before");
      String where0 = "\nfacts: " + app.facts() + "\n" + app.describe() + "\n" + cluster.describe();
      assertEquals("2", app.fact("executors-at-start"), where0);
      assertTrue(
          before.stream().anyMatch(l -> l.endsWith("@" + victim.host())),
          "the Worker to decommission holds map output" + where0);

      victim.decommission();
      int exitCode = app.awaitExit(APP_TIMEOUT);
      String where = "\nfacts: " + app.facts() + "\n" + app.describe() + "\n" + cluster.describe();
      assertEquals(0, exitCode, "spark-submit's exit code" + where);

      Set<String> victimExecutors = new TreeSet<>();
      for (String executor : app.factList("map-executors")) {
        if (executor.endsWith("@" + victim.host())) {
          victimExecutors.add(executor.substring(0, executor.indexOf('@')));
        }
      }
      assertEquals(
          victimExecutors,
          new TreeSet<>(app.factList("decommissioned-executors-removed-before-reduce")),
          "the decommissioned Worker's executors exited before the reduce stage" + where);
      assertTrue(
          app.fact("removal-reasons").toLowerCase().contains("decommission"),
          "they were removed as decommissioned" + where);

      List<String> after = app.factList("map-output-locations-after");
      assertEquals(mapIds(before), mapIds(after), "every map output still registered" + where);
      assertTrue(
          after.stream().allMatch(l -> l.endsWith("@" + SURVIVING_HOST)),
          "every map output is now on the surviving executor's host " + SURVIVING_HOST + where);
      assertTrue(
          executorHosts(app.factList("reduce-executors")).equals(Set.of(SURVIVING_HOST)),
          "the reduce stage ran on the surviving executor" + where);
      assertNoRecomputation(app, where);
      assertManagerEverywhere(app, where);
      assertTrue(app.fact("result-vs-oracle").startsWith("equal"), "result vs oracle" + where);

      String applicationId = app.fact("app-id");
      List<ExecutorLogs.ExecutorLog> victimLogs =
          cluster.executorLogs(applicationId).all().stream()
              .filter(l -> l.workerHost().equals(victim.host()))
              .toList();
      assertFalse(victimLogs.isEmpty(), "the decommissioned Worker ran an executor" + where);
      for (ExecutorLogs.ExecutorLog log : victimLogs) {
        assertTrue(
            log.contains("BlockManagerDecommissioner: Migrated migrate_shuffle_"),
            "executor " + log.executorId() + " migrated shuffle blocks; log " + log.stderr());
      }
      assertEquals(
          List.of("DECOMMISSIONED"),
          cluster.status().orElseThrow().workers().stream()
              .filter(w -> w.host().equals(victim.host()))
              .map(MasterStatus.Worker::state)
              .toList(),
          "the Master's view of the decommissioned Worker" + where);
    }
  }

  /** spark-submit arguments: master, the plugin in --jars, the manager, conf, class, jar, args. */
  private static List<String> submitArguments(
      String mainClass,
      Path applicationJar,
      Map<String, String> conf,
      String... applicationArguments) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("spark.shuffle.manager", ItConfig.managerUnderTest());
    all.put(
        "spark.executor.extraJavaOptions",
        ItConfig.executorJavaOptions() + " -Djava.io.tmpdir=" + cluster.temporaryDirectory());
    all.put("spark.ui.enabled", "false");
    all.putAll(conf);
    List<String> arguments =
        new ArrayList<>(
            List.of("--master", cluster.masterUrl(), "--jars", ItArtifacts.pluginJar().toString()));
    all.forEach(
        (key, value) -> {
          arguments.add("--conf");
          arguments.add(key + "=" + value);
        });
    arguments.addAll(List.of("--class", mainClass, applicationJar.toString()));
    arguments.addAll(List.of(applicationArguments));
    return arguments;
  }

  /** Settings of the two fault jobs: small executors, Kryo (Spillway's serialized path), spills. */
  private static Map<String, String> faultJobConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.executor.memory", "512m");
    conf.put("spark.executor.cores", "1");
    conf.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.put("spark.shuffle.spill.numElementsForceSpillThreshold", "10000");
    return conf;
  }

  private static void assertNoRecomputation(SubmittedApp app, String where) {
    assertEquals(
        1,
        app.factList("map-stage-attempts").size(),
        "the map stage ran once (a lost map output would resubmit it)" + where);
    assertEquals("0", app.fact("fetch-failures"), "no fetch failed" + where);
    assertEquals(List.of(), app.factList("failed-tasks"), "no task failed" + where);
  }

  /** Every map and reduce task ran in a JVM whose SparkEnv holds the manager under test. */
  private static void assertManagerEverywhere(SubmittedApp app, String where) {
    String expected = ItConfig.expectedManagerClassName(ItConfig.managerUnderTest());
    for (String fact : List.of("map-side-managers", "reduce-side-managers")) {
      List<String> entries = app.factList(fact);
      assertFalse(entries.isEmpty(), fact + where);
      for (String entry : entries) {
        assertTrue(entry.endsWith("=" + expected), fact + ": " + entry + where);
      }
    }
  }

  private static String applicationIdOf(List<String> stdout, String where) {
    Pattern line = Pattern.compile("^master \\S+, application (app-\\S+)$");
    for (String l : stdout) {
      Matcher m = line.matcher(l);
      if (m.matches()) {
        assertEquals(
            "master " + cluster.masterUrl() + ", application " + m.group(1),
            l,
            "the example ran on the cluster's master" + where);
        return m.group(1);
      }
    }
    throw new AssertionError("the example printed no application id" + where);
  }

  /**
   * The class path entries of an executor's launch command as the Worker logged it: {@code Spark
   * Executor Command: "java" "-cp" "ENTRY:ENTRY" ...}.
   */
  private static List<String> executorClassPath(String launchCommand) {
    Matcher m = Pattern.compile("\"-cp\" \"([^\"]*)\"").matcher(launchCommand);
    assertTrue(
        launchCommand.startsWith("Spark Executor Command:") && m.find(),
        "an executor launch command with a class path: " + launchCommand);
    return List.of(m.group(1).split(java.io.File.pathSeparator));
  }

  /** "id@host" entries to ids. */
  private static Set<String> executorIds(List<String> executors) {
    return executors.stream()
        .map(e -> e.substring(0, e.indexOf('@')))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** "id@host" entries to hosts. */
  private static Set<String> executorHosts(List<String> executors) {
    return executors.stream()
        .map(e -> e.substring(e.indexOf('@') + 1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** "mapId@executorId@host" entries to map ids. */
  private static Set<String> mapIds(List<String> locations) {
    return locations.stream()
        .map(l -> l.substring(0, l.indexOf('@')))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
