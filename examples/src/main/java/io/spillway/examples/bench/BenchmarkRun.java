package io.spillway.examples.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * One benchmark run in its own JVM: a fresh SparkSession with the given shuffle manager, one
 * workload, the task metrics, written as a properties file for {@link SpillwayBenchmark}.
 *
 * <p>Arguments: {@code <workload> <manager class> <master> <records> <system memory MiB>
 * <result file> <JVM warm-up fraction>}. Before the measured job, the same workload runs once on
 * that fraction of the records in the same SparkSession (not measured, metrics not counted), so the
 * measured job does not pay for class loading, JIT and SQL code generation alone. A run in its own JVM is the only way to report a failed run: in local mode an
 * {@code OutOfMemoryError} in a task makes Spark's uncaught-exception handler halt the JVM.
 */
public final class BenchmarkRun {
  private BenchmarkRun() {}

  public static void main(String[] args) throws IOException {
    String workloadName = args[0];
    String manager = args[1];
    String master = args[2];
    long records = Long.parseLong(args[3]);
    long systemMemoryMiB = Long.parseLong(args[4]);
    Path resultFile = Path.of(args[5]);
    double jvmWarmupFraction = Double.parseDouble(args[6]);
    Workloads.Workload workload = Workloads.byName(workloadName);

    SparkConf conf = sparkConf(master, manager, systemMemoryMiB);
    workload.conf().forEach(conf::set);

    Properties result = new Properties();
    result.setProperty("workload", workloadName);
    result.setProperty("manager", manager);
    result.setProperty("records", Long.toString(records));
    result.setProperty("status", "FAILED");
    // written first, so a JVM that dies mid-run still leaves the settings behind
    write(result, resultFile);
    SparkSession spark = null;
    try {
      spark = SparkSession.builder().config(conf).getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      // Spillway's merge summary lines ("Merged N spills ... ms"), parsed from the run log
      org.apache.logging.log4j.core.config.Configurator.setLevel(
          "io.spillway.write.SpillingMapOutputBuffer", org.apache.logging.log4j.Level.INFO);
      result.setProperty("sparkVersion", spark.version());
      result.setProperty("executionMemoryBytes", Long.toString(executionPoolBytes(spark)));
      if (jvmWarmupFraction > 0) {
        long warmupStart = System.nanoTime();
        workload.job().run(spark, Math.max(1, Math.round(records * jvmWarmupFraction)));
        result.setProperty("jvmWarmupMs", Double.toString((System.nanoTime() - warmupStart) / 1e6));
        spark.sparkContext().listenerBus().waitUntilEmpty();
      }
      RunMetrics metrics = new RunMetrics();
      spark.sparkContext().addSparkListener(metrics);

      System.err.println(MEASURED_MARKER);
      System.err.flush();
      long cpuStart = processCpuNanos();
      long start = System.nanoTime();
      String checksum = workload.job().run(spark, records);
      long wallNanos = System.nanoTime() - start;
      long cpuNanos = processCpuNanos() - cpuStart;
      spark.sparkContext().listenerBus().waitUntilEmpty();

      result.setProperty("status", "OK");
      result.setProperty("checksum", checksum);
      result.setProperty("wallMs", Double.toString(wallNanos / 1e6));
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
      }
    } catch (Throwable t) {
      result.setProperty("status", "FAILED");
      result.setProperty("error", firstLine(rootCause(t)));
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      System.err.println(trace);
    } finally {
      write(result, resultFile);
      if (spark != null) {
        try {
          spark.stop();
        } catch (Throwable ignored) {
          // the result is already written
        }
      }
    }
    System.exit(0);
  }

  /** Printed to the run log before the measured job: log lines after it belong to that job. */
  static final String MEASURED_MARKER = "=== spillway-benchmark: measured job starts ===";

  /** CPU time of every thread of this JVM so far. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : 0L;
  }

  static SparkConf sparkConf(String master, String manager, long systemMemoryMiB) {
    SparkConf conf = new SparkConf()
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
      conf.set("spark.executor.extraJavaOptions", String.join(" ", SpillwayBenchmark.moduleFlags()));
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
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static Map<String, String> asMap(Properties p) {
    Map<String, String> m = new java.util.TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }
}
