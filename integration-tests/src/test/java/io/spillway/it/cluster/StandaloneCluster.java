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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on this machine: one Master and two Workers of one core each, every
 * one a plain {@code java -cp SPARK_HOME/jars/*} process (as {@code sbin/start-master.sh} and
 * {@code start-worker.sh} would start them), with its log in the run directory.
 *
 * <p>Layout, and why:
 * <ul>
 *   <li><b>Two loopback hosts.</b> Worker 1 and the Master are on 127.0.0.1, worker 2 on
 *       127.0.0.2 (Linux routes all of 127.0.0.0/8 to the loopback interface), so the cluster
 *       has two hosts as a real one has. This matters for decommissioning: when a decommissioned
 *       worker's executor exits, the driver drops every map output registered on that worker's
 *       <em>host</em> ({@code DAGScheduler.removeExecutorAndUnregisterOutputs} with the worker
 *       host); with both workers on one address it would also drop the outputs just migrated to
 *       the surviving executor, and recompute them.</li>
 *   <li><b>One external shuffle service, in worker 1.</b> The service binds its port on all
 *       interfaces ({@code TransportContext.createServer(port, ...)}) and executors find it at
 *       their own host and the one port in the application's conf, so a machine runs one service
 *       (Spark refuses a second worker with the service on one host, SPARK-20989). Worker 1's
 *       service therefore serves executors of both loopback hosts. Both workers share one local
 *       directory root, like two workers on one machine's disk: the service accepts only
 *       executor directories under its own local directories ({@code LocalDirValidator}).</li>
 *   <li><b>Decommissioning enabled on the Workers</b> ({@code spark.decommission.enabled}), which
 *       makes a Worker register its SIGPWR handler; {@link Worker#decommission} sends it.</li>
 * </ul>
 *
 * <p>Start-up is awaited by polling the Master's {@code /json/} until both workers are ALIVE.
 * The Master's ports and the shuffle service port are picked free before start; if another
 * process takes one in between (the service fails to bind), the cluster is stopped and started
 * again on new ports. {@link #close} stops the Workers (and so their executors) and the Master.
 */
public final class StandaloneCluster implements AutoCloseable {
  public static final String MASTER_HOST = "127.0.0.1";
  public static final List<String> WORKER_HOSTS = List.of("127.0.0.1", "127.0.0.2");

  /** What each Worker offers: one core and this much memory for executors. */
  public static final String WORKER_MEMORY = "1g";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final List<String> DAEMON_OPTIONS =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final int START_ATTEMPTS = 3;

  /** One Worker process. */
  public static final class Worker {
    private final int number;
    private final String host;
    private final boolean shuffleService;
    private final Path workDirectory;
    private ManagedProcess process;

    private Worker(int number, String host, boolean shuffleService, Path workDirectory) {
      this.number = number;
      this.host = host;
      this.shuffleService = shuffleService;
      this.workDirectory = workDirectory;
    }

    /** 1-based, as in the log names worker-1.log, worker-2.log. */
    public int number() {
      return number;
    }

    public String host() {
      return host;
    }

    public boolean runsShuffleService() {
      return shuffleService;
    }

    /** Where the Worker keeps each executor's directory: WORK/appId/executorId/{stdout,stderr}. */
    public Path workDirectory() {
      return workDirectory;
    }

    public ManagedProcess process() {
      return process;
    }

    /**
     * Decommissions this Worker the way an operator (or a cloud's preemption notice) does:
     * SIGPWR to the Worker process. The Worker tells the Master, which tells each application
     * that the executors there are being decommissioned.
     */
    public void decommission() {
      Signals.send(process.pid(), "PWR");
    }
  }

  private final SparkHome sparkHome;
  private final List<String> sparkJvmFlags;
  private final Path runDirectory;
  private final int masterPort;
  private final int masterWebUiPort;
  private final int shuffleServicePort;
  private final List<Worker> workers = new ArrayList<>();
  private ManagedProcess master;

  private StandaloneCluster(SparkHome sparkHome, List<String> sparkJvmFlags, Path runDirectory) {
    this.sparkHome = sparkHome;
    this.sparkJvmFlags = List.copyOf(sparkJvmFlags);
    this.runDirectory = runDirectory;
    this.masterPort = FreePorts.pick(MASTER_HOST);
    this.masterWebUiPort = FreePorts.pick(MASTER_HOST);
    this.shuffleServicePort = FreePorts.pick(MASTER_HOST);
    for (int i = 0; i < WORKER_HOSTS.size(); i++) {
      workers.add(
          new Worker(
              i + 1, WORKER_HOSTS.get(i), i == 0, runDirectory.resolve("worker-" + (i + 1))));
    }
  }

  /** Starts Master and Workers, and returns once both Workers are registered and ALIVE. */
  public static StandaloneCluster start(
      SparkHome sparkHome, List<String> sparkJvmFlags, Path runDirectory) {
    WORKER_HOSTS.forEach(FreePorts::checkBindable);
    for (int attempt = 1; ; attempt++) {
      Path attemptDirectory = runDirectory.resolve("cluster-" + attempt);
      StandaloneCluster cluster = new StandaloneCluster(sparkHome, sparkJvmFlags, attemptDirectory);
      try {
        cluster.launch();
        return cluster;
      } catch (PortTaken e) {
        cluster.close();
        if (attempt == START_ATTEMPTS) {
          throw new AssertionError(
              "cluster did not start in "
                  + attempt
                  + " attempts: "
                  + e.getMessage()
                  + "\n"
                  + cluster.describe());
        }
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }
  }

  public String masterUrl() {
    return "spark://" + MASTER_HOST + ":" + masterPort;
  }

  public int shuffleServicePort() {
    return shuffleServicePort;
  }

  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  public Worker workerOn(String host) {
    return workers.stream()
        .filter(w -> w.host().equals(host))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no worker on " + host));
  }

  /** Where this cluster's logs and work directories are. */
  public Path runDirectory() {
    return runDirectory;
  }

  public SparkHome sparkHome() {
    return sparkHome;
  }

  /** The Master's current view, or empty if its web UI does not answer. */
  public Optional<MasterStatus> status() {
    return MasterStatus.fetch(MASTER_HOST, masterWebUiPort);
  }

  /** Executor logs of one application on every Worker. */
  public ExecutorLogs executorLogs(String applicationId) {
    return ExecutorLogs.of(applicationId, workers);
  }

  /** Where to look: every process with its pid, liveness and log, and the Master's view. */
  public String describe() {
    StringBuilder text = new StringBuilder("Standalone cluster in " + runDirectory + ":\n");
    if (master != null) {
      text.append("  master ")
          .append(masterUrl())
          .append(" (UI port ")
          .append(masterWebUiPort)
          .append(") ")
          .append(liveness(master))
          .append(", log ")
          .append(master.log())
          .append('\n');
    }
    for (Worker w : workers) {
      if (w.process != null) {
        text.append("  worker-")
            .append(w.number)
            .append(" on ")
            .append(w.host)
            .append(w.shuffleService ? " with shuffle service on port " + shuffleServicePort : "")
            .append(' ')
            .append(liveness(w.process))
            .append(", log ")
            .append(w.process.log())
            .append(", executor logs under ")
            .append(w.workDirectory)
            .append('\n');
      }
    }
    text.append("  ").append(status().map(Object::toString).orElse("master UI not answering"));
    return text.toString();
  }

  /** Stops the Workers with their executors, then the Master. Idempotent. */
  @Override
  public void close() {
    for (Worker w : workers) {
      if (w.process != null) {
        w.process.close();
      }
    }
    if (master != null) {
      master.close();
    }
  }

  private void launch() {
    master =
        ManagedProcess.start(
            "master",
            daemon("org.apache.spark.deploy.master.Master", MASTER_HOST)
                .sparkSetting(
                    "spark.master.rest.enabled", "false") // else it binds the fixed port 6066
                .sparkSetting(
                    "spark.port.maxRetries", "0") // a taken port fails instead of moving on
                .arguments(
                    "--host",
                    MASTER_HOST,
                    "--port",
                    String.valueOf(masterPort),
                    "--webui-port",
                    String.valueOf(masterWebUiPort)),
            runDirectory,
            runDirectory);
    Poll.until(
        "the Master to be ALIVE",
        START_TIMEOUT,
        () -> {
          checkRunning(master);
          return status().filter(s -> s.state().equals("ALIVE"));
        },
        this::describe);

    Path localDirectory = runDirectory.resolve("local");
    for (Worker w : workers) {
      JavaCommand command =
          daemon("org.apache.spark.deploy.worker.Worker", w.host)
              .sparkSetting("spark.local.dir", localDirectory.toString())
              .sparkSetting("spark.decommission.enabled", "true")
              .arguments(
                  "--host",
                  w.host,
                  "--port",
                  "0",
                  "--webui-port",
                  "0",
                  "--cores",
                  "1",
                  "--memory",
                  WORKER_MEMORY,
                  "--work-dir",
                  w.workDirectory.toString(),
                  masterUrl());
      if (w.shuffleService) {
        command
            .sparkSetting("spark.shuffle.service.enabled", "true")
            .sparkSetting("spark.shuffle.service.port", String.valueOf(shuffleServicePort))
            // its RocksDB only recovers registrations across a service restart (75 MB on disk)
            .sparkSetting("spark.shuffle.service.db.enabled", "false");
      }
      try {
        Files.createDirectories(localDirectory);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      w.process = ManagedProcess.start("worker-" + w.number, command, runDirectory, runDirectory);
    }
    Poll.until(
        "both Workers to register with the Master",
        START_TIMEOUT,
        () -> {
          checkRunning(master);
          workers.forEach(w -> checkRunning(w.process));
          return status()
              .filter(s -> WORKER_HOSTS.stream().allMatch(h -> s.aliveWorkersOn(h) == 1));
        },
        this::describe);
  }

  /** java -Xmx256m (module flags) -cp SPARK_HOME/jars/* MAIN, environment as spark-class sets. */
  private JavaCommand daemon(String mainClass, String host) {
    return JavaCommand.forMainClass(mainClass)
        .classPath(sparkHome.classPath())
        .jvmOptions(DAEMON_OPTIONS)
        .jvmOptions(sparkJvmFlags)
        .jvmOption("-Djava.io.tmpdir=" + temporaryDirectory())
        .environment("SPARK_HOME", sparkHome.root().toString())
        // what bin/load-spark-env.sh exports; the executor command builder needs it
        .environment("SPARK_SCALA_VERSION", "2.13")
        // the address every server of this process, and of the executors it starts, binds
        .environment("SPARK_LOCAL_IP", host);
  }

  /** The java.io.tmpdir of the cluster's JVMs: native libraries unpack there, not in /tmp. */
  public Path temporaryDirectory() {
    Path tmp = runDirectory.resolve("tmp");
    try {
      return Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkRunning(ManagedProcess process) {
    if (!process.isAlive()) {
      String log = process.logLines().stream().collect(Collectors.joining("\n"));
      if (log.contains("BindException") || log.contains("Address already in use")) {
        throw new PortTaken(
            process.name() + " could not bind its port (see " + process.log() + ")");
      }
      throw new AssertionError(
          process.name()
              + " exited during start-up; log "
              + process.log()
              + ":\n"
              + process.logTail(40));
    }
  }

  private static String liveness(ManagedProcess process) {
    return "pid " + process.pid() + (process.isAlive() ? " running" : " EXITED");
  }

  /** A port picked free was taken by someone else before the service bound it. */
  private static final class PortTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }

  /** Sends a POSIX signal with kill(1): Java can only send TERM and KILL itself. */
  static final class Signals {
    private Signals() {}

    static void send(long pid, String signal) {
      try {
        Process kill =
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        String output = new String(kill.getInputStream().readAllBytes());
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run kill -" + signal + " " + pid, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted sending " + signal + " to " + pid, e);
      }
    }
  }
}
