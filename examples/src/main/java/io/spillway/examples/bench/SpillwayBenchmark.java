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

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Spillway against Spark's built-in sort shuffle, side by side, in one run.
 *
 * <p>For each workload: {@code --warmup} pairs of runs that are not measured, then {@code --reps}
 * pairs, alternating built-in and Spillway (A B A B ...). Each manager's runs of a workload are
 * served by one worker JVM of its own ({@link BenchmarkRun}: warmed up once, then a fresh
 * SparkSession with identical settings per run); only {@code spark.shuffle.manager} differs. A
 * manager whose run fails is reported FAILED with the error's first line, its worker is killed,
 * and it is not run again for that workload. Results whose checksums differ between runs are
 * reported as a MISMATCH instead of a time.
 *
 * <pre>
 * options: --workloads a,b   (default: all)     --reps N        (default 3)
 *          --warmup N        (default 1 pair)    --scale X       (default 1.0)
 *          --master M        (default local[2]; local-cluster[2,1,MiB] for executor JVMs)
 *          --memory MiB      spark.testing.memory of a local-mode run (default 512)
 *          --heap MiB        -Xmx of each worker JVM (default 1024)
 *          --out DIR         where latest.md/.png/.csv go (default docs/benchmarks)
 *          --timeout SECONDS per run (default 600)
 *          --jvm-warmup F    in each worker JVM, run the workload on this fraction of the records
 *                            first, unmeasured (default 0 = off)
 *          --command TEXT    the command line to print in the report
 * </pre>
 */
public final class SpillwayBenchmark {
  static final String BUILT_IN = "sort";
  static final String SPILLWAY = "io.spillway.SpillwayShuffleManager";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    List<Workloads.Workload> workloads = options.containsKey("workloads")
        ? Arrays.stream(options.get("workloads").split(",")).map(String::trim)
            .filter(s -> !s.isEmpty()).map(Workloads::byName).collect(Collectors.toList())
        : Workloads.ALL;
    int reps = Integer.parseInt(options.getOrDefault("reps", "3"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "1"));
    double scale = Double.parseDouble(options.getOrDefault("scale", "1.0"));
    String master = options.getOrDefault("master", "local[2]");
    long memoryMiB = Long.parseLong(options.getOrDefault("memory", "512"));
    long heapMiB = Long.parseLong(options.getOrDefault("heap", "1024"));
    Path out = Path.of(options.getOrDefault("out", "docs/benchmarks")).toAbsolutePath().normalize();
    double jvmWarmup = Double.parseDouble(options.getOrDefault("jvm-warmup", "0"));
    long timeoutSeconds = Long.parseLong(options.getOrDefault("timeout", "600"));
    String command = options.getOrDefault("command", System.getenv("SPILLWAY_BENCH_COMMAND") != null
        ? System.getenv("SPILLWAY_BENCH_COMMAND") : "SpillwayBenchmark " + String.join(" ", args));
    if (reps < 1 || warmup < 0 || scale <= 0) {
      throw new IllegalArgumentException("need --reps >= 1, --warmup >= 0, --scale > 0");
    }
    Path logs = Path.of("target", "benchmark-logs").toAbsolutePath();
    Files.createDirectories(logs);
    // worker logs are numbered per run: an earlier run's would be mistaken for this one's
    try (java.util.stream.Stream<Path> old = Files.list(logs)) {
      for (Path log : old.filter(f -> f.toString().endsWith(".log")).collect(Collectors.toList())) {
        Files.delete(log);
      }
    }
    Files.createDirectories(out);

    Settings settings = new Settings(master, memoryMiB, heapMiB, scale, reps, warmup, command,
        Instant.now().toString(), loadAverage());
    settings.jvmWarmup = jvmWarmup;
    System.out.printf("Spillway benchmark: %d workloads, %d warm-up pair(s) + %d measured pair(s), "
        + "master %s, scale %s, heap %d MiB, spark.testing.memory %d MiB%n", workloads.size(), warmup,
        reps, master, scale, heapMiB, memoryMiB);

    List<Report.WorkloadResult> results = new ArrayList<>();
    int workerNumber = 0;
    for (Workloads.Workload workload : workloads) {
      long records = workload.records(scale);
      Report.WorkloadResult result = new Report.WorkloadResult(workload, records);
      Map<String, Worker> workers = new LinkedHashMap<>();
      try {
        for (int round = 0; round < warmup + reps; round++) {
          boolean measured = round >= warmup;
          for (String manager : List.of(BUILT_IN, SPILLWAY)) {
            List<Report.Run> previous = manager.equals(BUILT_IN) ? result.builtIn : result.spillway;
            if (previous.stream().anyMatch(r -> !r.ok())) {
              continue; // failed once: report that, don't repeat it
            }
            Worker worker = workers.get(manager);
            if (worker == null) {
              workerNumber++;
              Path log = logs.resolve(String.format("%03d-%s-%s.log", workerNumber, workload.name(),
                  manager.equals(BUILT_IN) ? "sort" : "spillway"));
              worker = Worker.start(workload, manager, master, records, memoryMiB, heapMiB, jvmWarmup, log);
              workers.put(manager, worker);
            }
            Report.Run run = worker.run(round + 1, timeoutSeconds);
            System.out.printf("  %-26s %-9s %-8s %s%n", workload.name(), label(manager),
                measured ? "rep " + (round - warmup + 1) : "warm-up",
                run.ok() ? String.format("%8.2f s  %s", run.wallMs() / 1000, run.get("checksum"))
                    : "FAILED: " + run.error());
            if (run.sparkVersion() != null) {
              settings.sparkVersion = run.sparkVersion();
            }
            if (run.get("executionMemoryBytes") != null) {
              settings.unifiedPoolBytes = Long.parseLong(run.get("executionMemoryBytes"));
            }
            if (!run.ok()) {
              worker.kill(); // a failed run may leave the SparkContext or the JVM half-dead
            }
            if (measured || !run.ok()) {
              previous.add(run);
            }
          }
        }
      } finally {
        for (Worker worker : workers.values()) {
          worker.quit();
        }
      }
      result.checkChecksums();
      if (result.mismatch != null) {
        System.out.println("!!!!!!!! CHECKSUM MISMATCH in " + workload.name() + ": " + result.mismatch);
      }
      results.add(result);
    }
    settings.loadAverageAfter = loadAverage();
    settings.elapsedSeconds = java.time.Duration.between(Instant.parse(settings.startedAt), Instant.now()).toSeconds();
    Report.write(out, settings, results);
    System.out.println(Files.readString(out.resolve("latest.md")));
    System.out.println("Wrote " + out.resolve("latest.md") + ", latest.png, latest.csv; run logs in " + logs);
  }

  private static final java.util.regex.Pattern MERGED = java.util.regex.Pattern.compile(
      "Merged (\\d+) spills .* in (\\d+) round\\(s\\), at most (\\d+) files open, (\\d+) ms");

  /**
   * Spillway's merge summaries of one measured job, from its worker's log (lines logged by
   * {@code SpillingMapOutputBuffer} between {@link BenchmarkRun#measuredMarker} and
   * {@link BenchmarkRun#endMarker} of that rep): number of merges, total merge time and the most
   * spill files one merge had open. Local mode only: executors of a local-cluster log elsewhere.
   * Spark's built-in writers log no such summary.
   */
  static void mergeStats(Path log, int rep, Properties p) throws IOException {
    long merges = 0;
    long mergeMs = 0;
    long mostOpen = 0;
    long spills = 0;
    boolean measured = false;
    for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
      if (line.contains(BenchmarkRun.measuredMarker(rep))) {
        measured = true;
        continue;
      }
      if (line.contains(BenchmarkRun.endMarker(rep))) {
        break;
      }
      java.util.regex.Matcher m = measured ? MERGED.matcher(line) : null;
      if (m != null && m.find()) {
        merges++;
        spills += Long.parseLong(m.group(1));
        mostOpen = Math.max(mostOpen, Long.parseLong(m.group(3)));
        mergeMs += Long.parseLong(m.group(4));
      }
    }
    if (measured && !p.getProperty("manager", "").equals(BUILT_IN)) {
      p.setProperty("merges", Long.toString(merges));
      p.setProperty("mergedSpills", Long.toString(spills));
      p.setProperty("mergeMs", Long.toString(mergeMs));
      p.setProperty("mostFilesOpen", Long.toString(mostOpen));
    }
  }

  static String label(String manager) {
    return manager.equals(BUILT_IN) ? "built-in" : "Spillway";
  }

  /**
   * A {@link BenchmarkRun} JVM serving one manager's runs of one workload, driven through its
   * stdin; its stdout and stderr go to the log.
   */
  static final class Worker {
    private final Process process;
    private final java.io.Writer commands;
    private final Path log;

    private Worker(Process process, Path log) {
      this.process = process;
      this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.log = log;
    }

    static Worker start(Workloads.Workload workload, String manager, String master, long records,
        long memoryMiB, long heapMiB, double jvmWarmup, Path log) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heapMiB + "m");
      command.add("-Xms" + heapMiB + "m");
      // An OutOfMemoryError leaves a local-mode JVM thrashing in GC or half-dead; end it at once
      // (the JVM prints "Terminating due to java.lang.OutOfMemoryError: ...", reported as the error).
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.addAll(moduleFlags());
      // extra options for the worker JVMs, e.g. a profiler:
      // SPILLWAY_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/{run}.jfr"; {run} becomes
      // the worker's log name (number, workload and manager), one recording per worker
      String extra = System.getenv("SPILLWAY_BENCH_JVM_OPTS");
      if (extra != null && !extra.isBlank()) {
        String run = log.getFileName().toString().replaceFirst("\\.log$", "");
        for (String option : extra.trim().split("\\s+")) {
          command.add(option.replace("{run}", run));
        }
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(BenchmarkRun.class.getName());
      command.addAll(List.of(workload.name(), manager, master, Long.toString(records),
          Long.toString(memoryMiB), Double.toString(jvmWarmup)));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      if (master.startsWith("local-cluster")) {
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        builder.environment().put("SPARK_TESTING", "1");
      }
      return new Worker(builder.start(), log);
    }

    /**
     * Asks for one measured run and waits for its result; a worker that dies or times out yields
     * a FAILED run. The first run's wait includes the worker's start-up and warm-up.
     */
    Report.Run run(int rep, long timeoutSeconds) throws IOException, InterruptedException {
      Path resultFile = Files.createTempFile("spillway-bench-", ".properties");
      Files.delete(resultFile);
      Properties p = new Properties();
      boolean alive = process.isAlive();
      if (alive) {
        try {
          commands.write("run " + resultFile + " " + rep + "\n");
          commands.flush();
        } catch (IOException e) {
          alive = false; // the worker's stdin is closed: it died
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (alive && !Files.exists(resultFile) && System.nanoTime() < deadline) {
        alive = !process.waitFor(100, TimeUnit.MILLISECONDS);
      }
      if (Files.exists(resultFile)) {
        try (Reader reader = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
          p.load(reader);
        }
        Files.delete(resultFile);
      } else if (alive) {
        kill();
        p.setProperty("status", "FAILED");
        p.setProperty("error", "timed out after " + timeoutSeconds + " s");
      } else {
        p.setProperty("status", "FAILED");
        p.setProperty("error", "JVM exited with code " + process.exitValue() + ": " + firstError(log, rep));
      }
      p.setProperty("log", log.toString());
      if ("OK".equals(p.getProperty("status"))) {
        mergeStats(log, rep, p);
      }
      return new Report.Run(BenchmarkRun.asMap(p));
    }

    void kill() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
    }

    /** Asks the worker to exit; kills it if it has not within 60 s. */
    void quit() throws InterruptedException {
      if (process.isAlive()) {
        try {
          commands.write("quit\n");
          commands.close();
        } catch (IOException e) {
          // already gone
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          kill();
        }
      }
    }
  }

  /**
   * The first line of the log that names an error (the JVM died before writing its result),
   * looked for after the start of the given rep's job, or anywhere if the worker died before it.
   */
  static String firstError(Path log, int rep) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    int from = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(BenchmarkRun.measuredMarker(rep))) {
        from = i;
      }
    }
    for (String line : lines.subList(from, lines.size())) {
      if (line.contains("OutOfMemoryError") || line.matches(".*(Exception|Error)(:.*)?$")) {
        return line.replaceFirst("^.*?(ERROR|WARN) [^:]*: ", "").trim();
      }
    }
    return "no error in " + log;
  }

  /** This JVM's flags other than heap size and agents: Spark's module flags, for the runs. */
  static List<String> moduleFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.startsWith("-agentlib")
            && !a.startsWith("-javaagent") && !a.startsWith("-Dmaven") && !a.startsWith("-Dclassworlds"))
        .collect(Collectors.toList());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Expected --option value; got '" + arg + "'");
      }
      String key = arg.substring(2);
      if (!List.of("workloads", "reps", "warmup", "scale", "master", "memory", "heap", "out",
          "timeout", "command", "jvm-warmup").contains(key)) {
        throw new IllegalArgumentException("Unknown option --" + key);
      }
      options.put(key, args[++i]);
    }
    return options;
  }

  /** What the report prints about the run. */
  static final class Settings {
    final String master;
    final long memoryMiB;
    final long heapMiB;
    final double scale;
    final int reps;
    final int warmup;
    final String command;
    final String startedAt;
    final String loadAverageBefore;
    String loadAverageAfter;
    /** Wall time of the whole benchmark, every run's JVM start-up included. */
    long elapsedSeconds;
    String sparkVersion = "unknown";
    long unifiedPoolBytes = -1;
    double jvmWarmup;

    Settings(String master, long memoryMiB, long heapMiB, double scale, int reps, int warmup,
        String command, String startedAt, String loadAverageBefore) {
      this.master = master;
      this.memoryMiB = memoryMiB;
      this.heapMiB = heapMiB;
      this.scale = scale;
      this.reps = reps;
      this.warmup = warmup;
      this.command = command;
      this.startedAt = startedAt;
      this.loadAverageBefore = loadAverageBefore;
    }
  }
}
