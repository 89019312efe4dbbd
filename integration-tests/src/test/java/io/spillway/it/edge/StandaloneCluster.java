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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.master.Master$;
import org.apache.spark.deploy.worker.Worker$;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.util.Utils$;
import scala.Option;
import scala.Tuple3;

/**
 * A Spark standalone cluster inside the test JVM (master and workers; executors are separate
 * JVMs), like Spark's {@code local-cluster[N,C,M]}, except that every worker has its own host
 * address: 127.0.0.2, 127.0.0.3, ... (all loopback on Linux).
 *
 * <p>Why not {@code local-cluster}: Spark never runs a speculative copy of a task on a host that
 * already ran an attempt of it ({@code TaskSetManager.hasAttemptOnHost}), and every executor of
 * {@code local-cluster} is on the same host, so no task is ever speculated there.
 *
 * <p>Executors inherit the driver's class path (the system property {@code spark.testing} set by
 * the pom), log through {@link #EXECUTOR_LOG_CONFIG} into {@code stderr} of their directory under
 * {@link #workDirectory()}, and keep their local directories under the driver's {@code
 * spark.local.dir} (the workers read the same conf), so a test can list their files.
 */
final class StandaloneCluster implements AutoCloseable {

  /**
   * Executor logging: INFO to stderr (which the worker writes to a file), and TaskMemoryManager at
   * DEBUG, whose "unreleased" lines show memory a killed task did not free (see {@link LeakLog}).
   */
  static final String EXECUTOR_LOG_CONFIG =
      String.join(
          "\n",
          "rootLogger.level = info",
          "rootLogger.appenderRef.stderr.ref = STDERR",
          "appender.stderr.type = Console",
          "appender.stderr.name = STDERR",
          "appender.stderr.target = SYSTEM_ERR",
          "appender.stderr.layout.type = PatternLayout",
          "appender.stderr.layout.pattern = %d{HH:mm:ss.SSS} %t %p %c{1}: %m%n%ex",
          "logger.tmm.name = " + LeakLog.TASK_MEMORY_MANAGER,
          "logger.tmm.level = debug",
          "");

  private final RpcEnv master;
  private final List<RpcEnv> workers = new ArrayList<>();
  private final String masterUrl;
  private final Path workDirectory;
  private final Path executorLogConfig;

  private StandaloneCluster(
      RpcEnv master, String masterUrl, Path workDirectory, Path executorLogConfig) {
    this.master = master;
    this.masterUrl = masterUrl;
    this.workDirectory = workDirectory;
    this.executorLogConfig = executorLogConfig;
  }

  /**
   * Starts a master on 127.0.0.1 and {@code workerCount} workers on 127.0.0.2, 127.0.0.3, ...
   *
   * @param conf the application's conf: its {@code spark.local.dir} becomes the root of the
   *     executors' local directories
   */
  static StandaloneCluster start(
      Path directory, int workerCount, int coresPerWorker, int memoryMbPerWorker, SparkConf conf) {
    // The workers create executor directories under Utils.getOrCreateLocalRootDirs, computed once
    // per JVM: forget what an earlier SparkContext of this JVM set.
    Utils$.MODULE$.clearLocalRootDirs();
    SparkConf clusterConf =
        conf.clone()
            .set("spark.master.rest.enabled", "false")
            .set("spark.shuffle.service.enabled", "false");
    Path workDirectory = directory.resolve("work");
    Path logConfig = directory.resolve("executor-log4j2.properties");
    try {
      Files.createDirectories(workDirectory);
      Files.writeString(logConfig, EXECUTOR_LOG_CONFIG, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tuple3<RpcEnv, Object, Option<Object>> started =
        Master$.MODULE$.startRpcEnvAndEndpoint("127.0.0.1", 0, 0, clusterConf);
    String url = "spark://127.0.0.1:" + started._1().address().port();
    StandaloneCluster cluster = new StandaloneCluster(started._1(), url, workDirectory, logConfig);
    try {
      for (int i = 0; i < workerCount; i++) {
        String host = "127.0.0." + (2 + i);
        Path workerDirectory = workDirectory.resolve("worker-" + (i + 1));
        Files.createDirectories(workerDirectory);
        cluster.workers.add(
            Worker$.MODULE$.startRpcEnvAndEndpoint(
                host,
                0,
                0,
                coresPerWorker,
                memoryMbPerWorker,
                new String[] {url},
                workerDirectory.toString(),
                Option.apply((Object) (i + 1)),
                clusterConf,
                Option.empty()));
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return cluster;
  }

  String masterUrl() {
    return masterUrl;
  }

  Path workDirectory() {
    return workDirectory;
  }

  /** The JVM option that makes executors log as {@link #EXECUTOR_LOG_CONFIG} says. */
  String executorLogOption() {
    return "-Dlog4j2.configurationFile=" + executorLogConfig.toUri();
  }

  /** The stderr files of every executor the workers ran: work/worker-N/APP/EXECUTOR/stderr. */
  List<Path> executorLogs() {
    try (Stream<Path> files = Files.walk(workDirectory)) {
      return files
          .filter(f -> f.getFileName().toString().equals("stderr"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of every executor log that contains {@code text}. */
  List<String> executorLogLines(String text) {
    List<String> lines = new ArrayList<>();
    for (Path log : executorLogs()) {
      try (Stream<String> all = Files.lines(log, StandardCharsets.ISO_8859_1)) {
        all.filter(line -> line.contains(text)).forEach(lines::add);
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalStateException("cannot read " + log, e);
      }
    }
    return lines;
  }

  @Override
  public void close() {
    workers.forEach(RpcEnv::shutdown);
    workers.forEach(RpcEnv::awaitTermination);
    master.shutdown();
    master.awaitTermination();
    Utils$.MODULE$.clearLocalRootDirs();
  }
}
