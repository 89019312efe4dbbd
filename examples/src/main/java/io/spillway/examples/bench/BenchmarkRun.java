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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The worker JVM of one (workload, shuffle manager): it serves that manager's runs of the workload,
 * each in a fresh SparkSession, and writes each run's result and task metrics as a properties file
 * for {@link SpillwayBenchmark}.
 *
 * <p>Arguments: {@code <workload> <contender> <serializer> <master> <records> <system memory MiB>
 * <JVM warm-up fraction>} (contender: built-in, spillway or comet; serializer: kryo or java). At start the worker runs the workload once on that fraction of the
 * records in a SparkSession of its own (not measured), so the measured runs do not pay for class
 * loading, JIT and SQL code generation. Then it reads commands from stdin, one per line:
 * {@code run <result file> <rep>} runs the workload on all records in a new SparkSession, stops
 * the session and writes the result file; {@code quit} (or end of input) exits.
 *
 * <p>Why one JVM per manager and workload, reused across its repetitions, rather than one per
 * run: a Spark executor is a long-lived JVM, so a warm JIT is what users run on; per-run JVMs cost
 * a start-up and a warm-up each (most of a full benchmark's time) and still measured C2 compiling
 * on one of the two cores. Why a JVM per manager at all: in local mode an
 * {@code OutOfMemoryError} in a task makes Spark's uncaught-exception handler halt the JVM, and the
 * run must be reported, not lost. Before each measured job, and after it before reporting, the
 * worker collects garbage and waits for its JIT compilers to go quiet, so that neither manager's
 * run pays for the other JVM's leftovers.
 */
public final class BenchmarkRun {
  private BenchmarkRun() {}

  public static void main(String[] args) throws IOException {
    String workloadName = args[0];
    Contender contender = Contender.byId(args[1]);
    String manager = contender.shuffleManager;
    String serializer = args[2];
    String master = args[3];
    long records = Long.parseLong(args[4]);
    long systemMemoryMiB = Long.parseLong(args[5]);
    double jvmWarmupFraction = Double.parseDouble(args[6]);
    Workloads.Workload workload = Workloads.byName(workloadName);

    SparkConf conf = sparkConf(master, manager, systemMemoryMiB);
    conf.set("spark.serializer", Calibration.serializerClass(serializer));
    workload.conf().forEach(conf::set);
    contender.conf().forEach(conf::set);

    String warmupFailure = null;
    double warmupMs = 0;
    if (jvmWarmupFraction > 0) {
      long warmupStart = System.nanoTime();
      SparkSession spark = null;
      try {
        spark = newSession(conf);
        workload.job().run(spark, Math.max(1, Math.round(records * jvmWarmupFraction)));
      } catch (Throwable t) {
        warmupFailure = "in the unmeasured warm-up: " + firstLine(rootCause(t));
        t.printStackTrace();
      } finally {
        stopQuietly(spark);
      }
      warmupMs = (System.nanoTime() - warmupStart) / 1e6;
    }

    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      String[] command = line.trim().split(" ");
      if (command[0].equals("quit")) {
        break;
      }
      if (!command[0].equals("run") || command.length != 3) {
        System.err.println("unknown command: " + line);
        continue;
      }
      Path resultFile = Path.of(command[1]);
      int rep = Integer.parseInt(command[2]);
      Properties result = new Properties();
      result.setProperty("workload", workloadName);
      result.setProperty("manager", manager);
      result.setProperty("contender", contender.id());
      result.setProperty("serializer", serializer);
      result.setProperty("records", Long.toString(records));
      result.setProperty("status", "FAILED");
      result.setProperty("jvmWarmupMs", Double.toString(warmupMs));
      if (warmupFailure != null) {
        result.setProperty("error", warmupFailure);
      } else {
        runMeasured(workload, conf, records, rep, result);
      }
      write(result, resultFile);
    }
    System.exit(0);
  }

  /** One measured run in a fresh SparkSession; fills {@code result}. */
  static void runMeasured(
      Workloads.Workload workload, SparkConf conf, long records, int rep, Properties result) {
    SparkSession spark = null;
    try {
      spark = newSession(conf);
      settle();
      result.setProperty("sparkVersion", spark.version());
      result.setProperty("executionMemoryBytes", Long.toString(executionPoolBytes(spark)));
      RunMetrics metrics = new RunMetrics();
      spark.sparkContext().addSparkListener(metrics);
      MergeCounters merges = new MergeCounters();
      spark.sparkContext().addSparkListener(merges);
      PlanExchanges exchanges = new PlanExchanges();
      spark.listenerManager().register(exchanges);

      System.err.println(measuredMarker(rep) + " at " + java.time.LocalTime.now());
      System.err.flush();
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      String checksum = workload.job().run(spark, records);
      long wallNanos = System.nanoTime() - start;
      long cpuNanos = processCpuNanos() - cpuStart;
      spark.sparkContext().listenerBus().waitUntilEmpty();
      System.err.println(endMarker(rep) + " at " + java.time.LocalTime.now());
      System.err.flush();

      result.setProperty("status", "OK");
      result.setProperty("checksum", checksum);
      result.setProperty("wallMs", Double.toString(wallNanos / 1e6));
      merges.putInto(result);
      // all threads of this JVM (tasks, GC, JIT; in local-cluster mode only the driver's)
      result.setProperty("processCpuMs", Double.toString(cpuNanos / 1e6));
      synchronized (metrics) {
        result.setProperty("tasks", Long.toString(metrics.tasks));
        result.setProperty("failedTasks", Long.toString(metrics.failedTasks));
        result.setProperty("shuffleBytesWritten", Long.toString(metrics.shuffleBytesWritten));
        result.setProperty("shuffleRecordsWritten", Long.toString(metrics.shuffleRecordsWritten));
        result.setProperty("memoryBytesSpilled", Long.toString(metrics.memoryBytesSpilled));
        result.setProperty("diskBytesSpilled", Long.toString(metrics.diskBytesSpilled));
        result.setProperty("spillTasks", Long.toString(metrics.spillTasks));
        result.setProperty("peakExecutionMemory", Long.toString(metrics.peakExecutionMemory));
        result.setProperty("jvmGcTimeMs", Long.toString(metrics.jvmGcTimeMs));
        result.setProperty("taskCpuMs", Long.toString(metrics.taskCpuNanos / 1_000_000));
        result.setProperty("mapTaskMs", Long.toString(metrics.mapTaskMs));
        result.setProperty("otherTaskMs", Long.toString(metrics.otherTaskMs));
        result.setProperty("shuffleWriteMs", Long.toString(metrics.shuffleWriteNanos / 1_000_000));
        result.setProperty("fetchWaitMs", Long.toString(metrics.fetchWaitMs));
        result.setProperty("shuffleBytesRead", Long.toString(metrics.shuffleBytesRead));
        result.setProperty("shuffleRecordsRead", Long.toString(metrics.shuffleRecordsRead));
        result.setProperty("writerTaskMs", Long.toString(metrics.writerTaskMs));
        result.setProperty(
            "writerTaskCpuMs", Long.toString(metrics.writerTaskCpuNanos / 1_000_000));
        result.setProperty("readerTaskMs", Long.toString(metrics.readerTaskMs));
        result.setProperty(
            "readerTaskCpuMs", Long.toString(metrics.readerTaskCpuNanos / 1_000_000));
      }
      synchronized (exchanges) {
        if (exchanges.queries > 0) {
          long comet = exchanges.cometNative + exchanges.cometColumnar;
          result.setProperty("planExchanges", Long.toString(exchanges.spark + comet));
          result.setProperty("cometExchanges", Long.toString(comet));
          result.setProperty("cometNativeExchanges", Long.toString(exchanges.cometNative));
        }
      }
    } catch (Throwable t) {
      result.setProperty("status", "FAILED");
      result.setProperty("error", firstLine(rootCause(t)));
      t.printStackTrace();
    } finally {
      stopQuietly(spark);
    }
    try {
      settle(); // before the result is written, so the other manager's next run starts on a quiet
      // machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Counts the shuffle exchanges in the executed (final, under AQE) plans of a run's SQL queries:
   * Spark's {@code Exchange} against Comet's {@code CometExchange} (Comet's native shuffle,
   * {@code CometNativeShuffle}) and {@code CometColumnarExchange} (Comet's JVM columnar shuffle,
   * used when the exchange's input does not come from a native Comet operator). Each plan goes to
   * the worker log, so a reader can see what ran; a Comet run whose plans hold a Spark exchange
   * did not measure Comet's shuffle there, and the report says so.
   */
  static final class PlanExchanges implements org.apache.spark.sql.util.QueryExecutionListener {
    private static final java.util.regex.Pattern NATIVE =
        java.util.regex.Pattern.compile("\\bCometExchange\\b");
    private static final java.util.regex.Pattern COLUMNAR =
        java.util.regex.Pattern.compile("\\bCometColumnarExchange\\b");
    private static final java.util.regex.Pattern SPARK =
        java.util.regex.Pattern.compile("\\bExchange\\b");

    long queries;
    long spark;
    long cometNative;
    long cometColumnar;

    @Override
    public synchronized void onSuccess(
        String funcName, org.apache.spark.sql.execution.QueryExecution qe, long durationNs) {
      String plan = qe.executedPlan().toString();
      queries++;
      for (String line : plan.split("\n")) {
        if (line.contains("== Initial Plan ==")) {
          break; // AQE prints the final plan, then the initial one: count the plan that ran
        }
        if (NATIVE.matcher(line).find()) {
          cometNative++;
        } else if (COLUMNAR.matcher(line).find()) {
          cometColumnar++;
        } else if (SPARK.matcher(line).find()) {
          spark++;
        }
      }
      System.err.println("=== spillway-benchmark: executed plan of " + funcName + " ===\n" + plan);
    }

    @Override
    public void onFailure(
        String funcName, org.apache.spark.sql.execution.QueryExecution qe, Exception exception) {}
  }

  static SparkSession newSession(SparkConf conf) {
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  static void stopQuietly(SparkSession spark) {
    if (spark != null) {
      try {
        spark.stop();
      } catch (Throwable t) {
        System.err.println("stopping the SparkSession failed: " + t);
      }
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /**
   * Collects garbage and waits (at most 10 s) until the JIT compilers have been idle for 300 ms:
   * the measured job then starts on a clean heap and is not competing with compilations queued by
   * whatever ran before it.
   */
  static void settle() throws InterruptedException {
    System.gc();
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      Thread.sleep(1000);
      return;
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    long last = jit.getTotalCompilationTime();
    int quietRounds = 0;
    while (quietRounds < 3 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = jit.getTotalCompilationTime();
      quietRounds = now == last ? quietRounds + 1 : 0;
      last = now;
    }
  }

  /** Printed to the run log before a measured job: log lines up to its end marker belong to it. */
  static String measuredMarker(int rep) {
    return "=== spillway-benchmark: measured job starts: rep " + rep + " ===";
  }

  static String endMarker(int rep) {
    return "=== spillway-benchmark: measured job ends: rep " + rep + " ===";
  }

  /** CPU time of every thread of this JVM so far. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : 0L;
  }

  static SparkConf sparkConf(String master, String manager, long systemMemoryMiB) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName("spillway-benchmark")
            .set("spark.ui.enabled", "false")
            .set("spark.shuffle.manager", manager)
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.memory.fraction", "0.6")
            .set("spark.memory.storageFraction", "0.5")
            .set("spark.sql.shuffle.partitions", "200")
            .set("spark.sql.adaptive.enabled", "true");
    if (master.startsWith("local-cluster")) {
      // executors are separate JVMs; they need the class path and Spark's module flags
      conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
      conf.set(
          "spark.executor.extraJavaOptions", String.join(" ", SpillwayBenchmark.moduleFlags()));
      conf.set("spark.test.home", System.getProperty("java.io.tmpdir"));
    } else {
      // local mode: tasks run in this JVM; fix the memory manager's view of "system memory"
      conf.set("spark.testing.memory", Long.toString(systemMemoryMiB << 20));
    }
    return conf;
  }

  /** The unified (execution + storage) pool size the memory manager was given. */
  static long executionPoolBytes(SparkSession spark) {
    try {
      return spark.sparkContext().env().memoryManager().maxOnHeapStorageMemory()
          + spark.sparkContext().env().memoryManager().onHeapExecutionMemoryUsed();
    } catch (Throwable t) {
      return -1;
    }
  }

  static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String firstLine(Throwable t) {
    String text = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  static void write(Properties p, Path file) throws IOException {
    StringWriter out = new StringWriter();
    p.store(out, null);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static Map<String, String> asMap(Properties p) {
    Map<String, String> m = new java.util.TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }
}
