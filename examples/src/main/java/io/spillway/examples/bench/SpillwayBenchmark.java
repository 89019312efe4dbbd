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
 * Spillway and DataFusion Comet against Spark's built-in sort shuffle, side by side, in one run.
 *
 * <p>First the machine's ceiling is measured in a JVM of its own ({@link Calibration}: lz4 on
 * each workload's own serialized records, memcpy, sequential file write and read). Then, for each
 * workload and serializer: {@code --warmup} rounds of runs that are not measured, then
 * {@code --reps} rounds, each round running every contender once in turn (built-in, Spillway,
 * Comet, built-in, ...; Comet on SQL workloads only). Each contender's runs of a workload are
 * served by one worker JVM of its own ({@link BenchmarkRun}: a fresh SparkSession with identical
 * settings per run); only the contender's settings differ. A contender whose run fails is
 * reported FAILED with the error's first line, its worker is killed, and it is not run again for
 * that workload. Results whose checksums differ between runs are reported as a MISMATCH instead of
 * a ratio.
 *
 * <p>The options are in {@link #USAGE}, which {@code bin/benchmark --help} prints.
 */
public final class SpillwayBenchmark {
  /** The options, as {@code --help} prints them. */
  static final String USAGE =
      "usage: bin/benchmark [options]\n"
          + "options: --size quick|large   which suite, and its defaults (below)\n"
          + "         --workloads a,b   (default: every workload of the size)\n"
          + "         --serializers s,t kryo and/or java (quick: kryo; large: kryo,java); SQL workloads run\n"
          + "                           once, under the first (their exchanges use UnsafeRowSerializer)\n"
          + "         --contenders c,d  built-in (always), spillway, comet (default: all three)\n"
          + "         --reps N          (quick 3, large 2)       --warmup N   (quick 1 round, large 0)\n"
          + "         --scale X         (default 1.0)\n"
          + "         --master M        (default local[2]; local-cluster[2,1,MiB] for executor JVMs)\n"
          + "         --memory MiB      spark.testing.memory of a local-mode run (quick 512, large 2048)\n"
          + "         --heap MiB        -Xms and -Xmx of each worker JVM, pre-touched (quick 1024, large 3072)\n"
          + "         --out DIR         where the report goes (default docs/benchmarks): latest.md/.png/.csv\n"
          + "                           for the quick suite, latest-large.md/.png/.csv for the large one\n"
          + "         --timeout SECONDS per run (quick 600, large 900)\n"
          + "         --jvm-warmup F    in each worker JVM, run the workload on this fraction of the records\n"
          + "                           first, unmeasured (quick 0 = off, large 0.05)\n"
          + "         --calibrate yes|no  measure the ceiling first (default yes)\n"
          + "         --command TEXT    the command line to print in the report\n";

  static final String BUILT_IN = Contender.BUILT_IN.shuffleManager;
  static final String SPILLWAY = Contender.SPILLWAY.shuffleManager;

  /** Defaults of the two sizes: option name to value. */
  static final Map<String, Map<String, String>> SIZE_DEFAULTS =
      Map.of(
          "quick",
              Map.of(
                  "reps",
                  "3",
                  "warmup",
                  "1",
                  "memory",
                  "512",
                  "heap",
                  "1024",
                  "timeout",
                  "600",
                  "jvm-warmup",
                  "0",
                  "serializers",
                  "kryo"),
          // 3 GiB heaps: up to three worker JVMs (one per contender) live at once on a 24 GiB
          // machine;
          // spark.testing.memory=2g gives a (2048 - 300) x 0.6 = 1 GiB unified pool to the 2 task
          // slots, as a 2-core executor of a few GiB has, and leaves 1 GiB of heap for user objects
          // (groupByKey's value buffers, which Spark does not count in the pool)
          "large",
              Map.of(
                  "reps",
                  "2",
                  "warmup",
                  "0",
                  "memory",
                  "2048",
                  "heap",
                  "3072",
                  "timeout",
                  "900",
                  "jvm-warmup",
                  "0.05",
                  "serializers",
                  "kryo,java"));

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      System.out.println(
          "workloads: "
              + Workloads.ALL.stream()
                  .map(Workloads.Workload::name)
                  .collect(Collectors.joining(", ")));
      return;
    }
    Map<String, String> options = parse(args);
    String size = options.getOrDefault("size", "quick");
    if (!SIZE_DEFAULTS.containsKey(size)) {
      throw new IllegalArgumentException("--size " + size + ": allowed are quick, large");
    }
    SIZE_DEFAULTS.get(size).forEach(options::putIfAbsent);
    List<Workloads.Workload> workloads =
        options.containsKey("workloads")
            ? Arrays.stream(options.get("workloads").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Workloads::byName)
                .collect(Collectors.toList())
            : size.equals("large") ? Workloads.LARGE : Workloads.QUICK;
    List<String> serializers =
        Arrays.stream(options.get("serializers").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .distinct()
            .collect(Collectors.toList());
    serializers.forEach(Calibration::serializerClass); // fails on an unknown one, naming it
    List<Contender> contenders = new ArrayList<>(List.of(Contender.BUILT_IN));
    for (String id : options.getOrDefault("contenders", "built-in,spillway,comet").split(",")) {
      Contender c = Contender.byId(id.trim());
      if (!contenders.contains(c)) {
        contenders.add(c);
      }
    }
    int reps = Integer.parseInt(options.get("reps"));
    int warmup = Integer.parseInt(options.get("warmup"));
    double scale = Double.parseDouble(options.getOrDefault("scale", "1.0"));
    String master = options.getOrDefault("master", "local[2]");
    long memoryMiB = Long.parseLong(options.get("memory"));
    long heapMiB = Long.parseLong(options.get("heap"));
    Path out = Path.of(options.getOrDefault("out", "docs/benchmarks")).toAbsolutePath().normalize();
    double jvmWarmup = Double.parseDouble(options.get("jvm-warmup"));
    long timeoutSeconds = Long.parseLong(options.get("timeout"));
    String command =
        options.getOrDefault(
            "command",
            System.getenv("SPILLWAY_BENCH_COMMAND") != null
                ? System.getenv("SPILLWAY_BENCH_COMMAND")
                : "SpillwayBenchmark " + String.join(" ", args));
    if (reps < 1 || warmup < 0 || scale <= 0 || serializers.isEmpty()) {
      throw new IllegalArgumentException(
          "need --reps >= 1, --warmup >= 0, --scale > 0, a serializer");
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

    Settings settings =
        new Settings(
            master,
            memoryMiB,
            heapMiB,
            scale,
            reps,
            warmup,
            command,
            Instant.now().toString(),
            loadAverage());
    settings.jvmWarmup = jvmWarmup;
    settings.size = size;
    settings.contenders = contenders;
    System.out.printf(
        "Spillway benchmark (%s): %d workloads x serializers %s, contenders %s, %d warm-up "
            + "round(s) + %d measured round(s), master %s, scale %s, heap %d MiB, spark.testing.memory %d MiB%n",
        size,
        workloads.size(),
        serializers,
        contenders.stream().map(c -> c.label).toList(),
        warmup,
        reps,
        master,
        scale,
        heapMiB,
        memoryMiB);

    if (!"no".equals(options.getOrDefault("calibrate", "yes"))) {
      settings.calibration = calibrate(workloads, serializers, size, logs, timeoutSeconds);
    }

    List<Report.WorkloadResult> results = new ArrayList<>();
    int workerNumber = 0;
    for (Workloads.Workload workload : workloads) {
      for (String serializer : workload.sql() ? serializers.subList(0, 1) : serializers) {
        long records = workload.records(scale);
        Report.WorkloadResult result =
            new Report.WorkloadResult(workload, serializer, records, contenders);
        Map<Contender, Worker> workers = new LinkedHashMap<>();
        try {
          for (int round = 0; round < warmup + reps; round++) {
            boolean measured = round >= warmup;
            for (Contender contender : contenders) {
              List<Report.Run> previous = result.runs.get(contender);
              if (result.notRun.containsKey(contender)
                  || previous.stream().anyMatch(r -> !r.ok())) {
                continue; // not for this contender, or failed once: report that, don't repeat it
              }
              if (!contender.runs(workload)) {
                result.notRun.put(contender, contender.whyNot(workload));
                continue;
              }
              String extraClassPath = contender.extraClassPath();
              if (extraClassPath == null) {
                result.notRun.put(
                    contender,
                    "its jar is not there (-D"
                        + Contender.COMET_JAR_PROPERTY
                        + " names it; bin/benchmark's Maven profile copies it)");
                continue;
              }
              Worker worker = workers.get(contender);
              if (worker == null) {
                workerNumber++;
                Path log =
                    logs.resolve(
                        String.format(
                            "%03d-%s-%s-%s.log",
                            workerNumber, workload.name(), serializer, contender.id()));
                worker =
                    Worker.start(
                        workload,
                        contender,
                        serializer,
                        master,
                        records,
                        memoryMiB,
                        heapMiB,
                        jvmWarmup,
                        extraClassPath,
                        log);
                workers.put(contender, worker);
              }
              Report.Run run = worker.run(round + 1, timeoutSeconds);
              System.out.printf(
                  "  %-28s %-5s %-9s %-8s %s%n",
                  workload.name(),
                  serializer,
                  contender.label,
                  measured ? "rep " + (round - warmup + 1) : "warm-up",
                  run.ok()
                      ? String.format("%8.2f s  %s", run.wallMs() / 1000, run.get("checksum"))
                      : "FAILED: " + run.error());
              if (run.sparkVersion() != null) {
                settings.sparkVersion = run.sparkVersion();
              }
              if (run.get("executionMemoryBytes") != null && contender == Contender.BUILT_IN) {
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
          System.out.println(
              "!!!!!!!! CHECKSUM MISMATCH in " + workload.name() + ": " + result.mismatch);
        }
        results.add(result);
      }
    }
    settings.loadAverageAfter = loadAverage();
    settings.elapsedSeconds =
        java.time.Duration.between(Instant.parse(settings.startedAt), Instant.now()).toSeconds();
    Report.write(out, settings, results);
    String name = Report.baseName(settings);
    System.out.println(Files.readString(out.resolve(name + ".md")));
    System.out.println(
        "Wrote "
            + out.resolve(name + ".md")
            + ", "
            + name
            + ".png, "
            + name
            + ".csv; run logs in "
            + logs);
  }

  /**
   * Runs {@link Calibration} in a JVM of its own (a 1 GiB heap, the workers' flags) and returns
   * its results; on failure a map whose "status" says why (the report then has no fractions).
   */
  static Map<String, String> calibrate(
      List<Workloads.Workload> workloads,
      List<String> serializers,
      String size,
      Path logs,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    Path resultFile = Files.createTempFile("spillway-calibration-", ".properties");
    Files.delete(resultFile);
    Path log = logs.resolve("000-calibration.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(moduleFlags());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Calibration.class.getName());
    command.add(resultFile.toString());
    // sample: serialized records per workload; file: the sequential file test's size
    command.add(size.equals("large") ? "32" : "16");
    command.add(size.equals("large") ? "1024" : "256");
    command.add(String.join(",", serializers));
    workloads.forEach(w -> command.add(w.name()));
    System.out.println(
        "  calibrating (lz4 on each workload's serialized records, memcpy, file write/read)...");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Map<String, String> calibration = new java.util.TreeMap<>();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      calibration.put("status", "FAILED: timed out after " + timeoutSeconds + " s");
    } else if (!Files.exists(resultFile)) {
      calibration.put(
          "status", "FAILED: exit code " + process.exitValue() + ": " + firstError(log, 0));
    } else {
      Properties p = new Properties();
      try (Reader reader = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
        p.load(reader);
      }
      Files.delete(resultFile);
      calibration.putAll(BenchmarkRun.asMap(p));
    }
    calibration.put(
        "seconds", String.format(java.util.Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e9));
    System.out.println(
        "  calibration: "
            + calibration.get("status")
            + " in "
            + calibration.get("seconds")
            + " s (details in "
            + log
            + ")");
    return calibration;
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
      this.commands =
          new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.log = log;
    }

    static Worker start(
        Workloads.Workload workload,
        Contender contender,
        String serializer,
        String master,
        long records,
        long memoryMiB,
        long heapMiB,
        double jvmWarmup,
        String extraClassPath,
        Path log)
        throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heapMiB + "m");
      command.add("-Xms" + heapMiB + "m");
      // Touch the whole heap at start-up, outside every measured job. Without it a worker's first
      // full-size job pays for the first touch of each heap page, and on a virtual machine that
      // price depends on whether the guest page was ever used before: here 11.5 us per 4 KiB page
      // for never-used guest memory against 2.5 us for reused memory (an 18 GiB and then an 8 GiB
      // Python bytearray), so the worker that happens to get fresh memory, the second one started
      // while the first still holds its heap, ran rdd-join-large's first job 17.9 s against 11 s
      // after it (docs/benchmarks/history/first-run-pretouch.md).
      command.add("-XX:+AlwaysPreTouch");
      // An OutOfMemoryError leaves a local-mode JVM thrashing in GC or half-dead; end it at once
      // (the JVM prints "Terminating due to java.lang.OutOfMemoryError: ...", reported as the
      // error).
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
      command.add(
          System.getProperty("java.class.path")
              + (extraClassPath.isEmpty() ? "" : java.io.File.pathSeparator + extraClassPath));
      command.add(BenchmarkRun.class.getName());
      command.addAll(
          List.of(
              workload.name(),
              contender.id(),
              serializer,
              master,
              Long.toString(records),
              Long.toString(memoryMiB),
              Double.toString(jvmWarmup)));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
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
        p.setProperty(
            "error", "JVM exited with code " + process.exitValue() + ": " + firstError(log, rep));
      }
      p.setProperty("log", log.toString());
      // merges, mergedSpills, mergeMs, mostFilesOpen: from listener events in the worker
      // (MergeCounters), not from its log
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
        .filter(
            a ->
                !a.startsWith("-Xmx")
                    && !a.startsWith("-Xms")
                    && !a.startsWith("-agentlib")
                    && !a.startsWith("-javaagent")
                    && !a.startsWith("-Dmaven")
                    && !a.startsWith("-Dclassworlds"))
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
        throw new IllegalArgumentException(
            "Expected --option value; got '" + arg + "' (bin/benchmark --help lists the options)");
      }
      String key = arg.substring(2);
      if (!List.of(
              "size",
              "workloads",
              "serializers",
              "contenders",
              "reps",
              "warmup",
              "scale",
              "master",
              "memory",
              "heap",
              "out",
              "timeout",
              "command",
              "jvm-warmup",
              "calibrate")
          .contains(key)) {
        throw new IllegalArgumentException(
            "Unknown option --" + key + " (bin/benchmark --help lists the options)");
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
    String size = "quick";
    List<Contender> contenders = List.of();

    /** What {@link Calibration} measured ("status" OK), or empty when --calibrate no. */
    Map<String, String> calibration = Map.of();

    Settings(
        String master,
        long memoryMiB,
        long heapMiB,
        double scale,
        int reps,
        int warmup,
        String command,
        String startedAt,
        String loadAverageBefore) {
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
