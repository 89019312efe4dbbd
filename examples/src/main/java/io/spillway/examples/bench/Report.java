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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The Markdown table, the ratio chart ({@link RatioChart}) and the raw CSV of one benchmark run.
 */
final class Report {
  private Report() {}

  /** One run's result, as {@link BenchmarkRun} wrote it. */
  record Run(Map<String, String> values) {
    boolean ok() {
      return "OK".equals(values.get("status"));
    }

    String get(String key) {
      return values.get(key);
    }

    double wallMs() {
      return Double.parseDouble(values.get("wallMs"));
    }

    double number(String key) {
      String v = values.get(key);
      return v == null ? Double.NaN : Double.parseDouble(v);
    }

    String error() {
      return values.getOrDefault("error", "unknown error");
    }

    String sparkVersion() {
      return values.get("sparkVersion");
    }
  }

  /** One workload under one serializer: every contender's runs. */
  static final class WorkloadResult {
    final Workloads.Workload workload;
    final String serializer;
    final long records;
    final List<Contender> contenders;
    final Map<Contender, List<Run>> runs = new EnumMap<>(Contender.class);

    /** Contenders that did not run this workload, and why. */
    final Map<Contender, String> notRun = new EnumMap<>(Contender.class);

    String mismatch;

    WorkloadResult(
        Workloads.Workload workload, String serializer, long records, List<Contender> contenders) {
      this.workload = workload;
      this.serializer = serializer;
      this.records = records;
      this.contenders = contenders;
      contenders.forEach(c -> runs.put(c, new ArrayList<>()));
    }

    String name() {
      return workload.name() + (workload.sql() ? "" : " (" + serializer + ")");
    }

    List<Run> of(Contender c) {
      return runs.getOrDefault(c, List.of());
    }

    /** Contenders that ran the workload (successfully or not). */
    List<Contender> ran() {
      return contenders.stream().filter(c -> !notRun.containsKey(c)).collect(Collectors.toList());
    }

    void checkChecksums() {
      TreeSet<String> seen = new TreeSet<>();
      List<String> all = new ArrayList<>();
      for (Contender c : contenders) {
        for (Run r : of(c)) {
          if (r.ok()) {
            seen.add(r.get("checksum"));
            all.add(c.label + " " + r.get("checksum"));
          }
        }
      }
      if (seen.size() > 1) {
        mismatch = String.join("; ", all);
      }
    }

    static boolean allOk(List<Run> runs) {
      return !runs.isEmpty() && runs.stream().allMatch(Run::ok);
    }

    static String failure(List<Run> runs) {
      return runs.stream().filter(r -> !r.ok()).map(Run::error).findFirst().orElse(null);
    }

    double median(List<Run> runs, ToDoubleFunction<Run> f) {
      double[] values =
          runs.stream()
              .filter(Run::ok)
              .mapToDouble(f)
              .filter(v -> !Double.isNaN(v))
              .sorted()
              .toArray();
      if (values.length == 0) {
        return Double.NaN;
      }
      int mid = values.length / 2;
      return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** median built-in / median contender time, and min and max of the per-round ratios. */
    double[] ratio(Contender c) {
      List<Run> base = of(Contender.BUILT_IN);
      List<Run> other = of(c);
      if (mismatch != null || !allOk(base) || !allOk(other)) {
        return null;
      }
      int pairs = Math.min(base.size(), other.size());
      double min = Double.MAX_VALUE;
      double max = 0;
      for (int i = 0; i < pairs; i++) {
        double r = base.get(i).wallMs() / other.get(i).wallMs();
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      return new double[] {median(base, Run::wallMs) / median(other, Run::wallMs), min, max};
    }

    /** The compressed shuffle bytes all contenders are credited with: the built-in's, else any. */
    double referenceBytes(String key) {
      for (Contender c : List.of(Contender.BUILT_IN, Contender.SPILLWAY)) {
        double v = median(of(c), r -> r.number(key));
        if (!Double.isNaN(v)) {
          return v;
        }
      }
      return Double.NaN;
    }

    /**
     * {write MB/s per core, fraction of the write ceiling, read MB/s per core, fraction of the
     * read ceiling} of a contender's median run; NaN where unknown.
     */
    double[] throughput(Contender c, Ceiling ceiling) {
      double[] t = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
      if (ceiling == null || of(c).stream().noneMatch(Run::ok)) {
        return t;
      }
      double written = ceiling.logicalBytes(referenceBytes("shuffleBytesWritten"));
      double read = ceiling.logicalBytes(referenceBytes("shuffleBytesRead"));
      t[0] = Ceiling.perCore(written, median(of(c), r -> r.number("writerTaskMs")));
      t[1] = t[0] / ceiling.writeMBps();
      t[2] = Ceiling.perCore(read, median(of(c), r -> r.number("readerTaskMs")));
      t[3] = t[2] / ceiling.readMBps();
      return t;
    }
  }

  /** The report's file names without extension: latest (quick suite), latest-large. */
  static String baseName(SpillwayBenchmark.Settings settings) {
    return settings.size.equals("quick") ? "latest" : "latest-" + settings.size;
  }

  static void write(Path out, SpillwayBenchmark.Settings settings, List<WorkloadResult> results)
      throws IOException {
    String name = baseName(settings);
    Files.writeString(
        out.resolve(name + ".md"), markdown(settings, results), StandardCharsets.UTF_8);
    Files.writeString(out.resolve(name + ".csv"), csv(settings, results), StandardCharsets.UTF_8);
    RatioChart.write(out.resolve(name + ".png"), settings, results);
  }

  // ------------------------------------------------------------------ Markdown

  static String markdown(SpillwayBenchmark.Settings s, List<WorkloadResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("# ")
        .append(
            s.contenders.stream()
                .filter(c -> c != Contender.BUILT_IN)
                .map(c -> c.label)
                .collect(Collectors.joining(" and ")))
        .append(" vs Spark's built-in sort shuffle (")
        .append(s.size)
        .append(" suite)\n\n");
    md.append("Command:\n\n    ").append(s.command).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| started | ").append(s.startedAt).append(" |\n");
    md.append("| whole run took | ")
        .append(String.format("%d min %02d s", s.elapsedSeconds / 60, s.elapsedSeconds % 60))
        .append(
            " (calibration, worker JVM start-ups, SparkSession start-ups and warm-up runs included) |\n");
    md.append("| Spark | ").append(s.sparkVersion).append(" |\n");
    md.append("| JVM | ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" (")
        .append(System.getProperty("java.vm.vendor"))
        .append(") |\n");
    md.append("| machine | ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(cpuModel())
        .append(", ")
        .append(memTotal())
        .append(" RAM, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(" |\n");
    md.append("| load average (1/5/15 min) | before: ")
        .append(s.loadAverageBefore)
        .append("; after: ")
        .append(s.loadAverageAfter)
        .append(" |\n");
    md.append("| master | `").append(s.master).append("` |\n");
    md.append("| memory | each worker JVM has `-Xms")
        .append(s.heapMiB)
        .append("m -Xmx")
        .append(s.heapMiB)
        .append("m -XX:+AlwaysPreTouch` (the heap touched at start-up, outside the jobs)");
    if (s.master.startsWith("local-cluster")) {
      md.append("; executor memory from the master URL");
    } else {
      md.append("; `spark.testing.memory=").append(s.memoryMiB).append("m`");
    }
    md.append(
            ", `spark.memory.fraction=0.6` unless a workload sets it: unified execution+storage pool ")
        .append(s.unifiedPoolBytes > 0 ? mib(s.unifiedPoolBytes) : "unknown")
        .append(", shared by the concurrent tasks |\n");
    md.append("| contenders | ")
        .append(
            s.contenders.stream()
                .map(
                    c ->
                        c.label
                            + " (`"
                            + c.conf().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(", "))
                            + "`)")
                .collect(Collectors.joining("; ")))
        .append(" |\n");
    md.append(
        "| serializer | `spark.serializer` as the workload's row says (kryo: KryoSerializer, java: "
            + "JavaSerializer, Spark's default); SQL exchanges always use UnsafeRowSerializer; codec lz4 (default) |\n");
    md.append("| repetitions | ")
        .append(s.warmup)
        .append(" warm-up round(s), then ")
        .append(s.reps)
        .append(
            " measured round(s) per workload, each round running every contender once in turn; one "
                + "worker JVM per contender and workload serves its runs, each in a fresh SparkSession")
        .append(
            s.jvmWarmup > 0
                ? ", after running the workload once unmeasured on "
                    + s.jvmWarmup
                    + " of its records (JIT, codegen)"
                : "")
        .append(
            "; before each measured job the worker collects garbage and waits for its JIT compilers "
                + "to go quiet |\n");
    md.append("| scale | ").append(s.scale).append(" |\n\n");

    calibration(md, s.calibration);

    List<Contender> others = s.contenders.stream().filter(c -> c != Contender.BUILT_IN).toList();
    md.append(
        "Wall time is the job(s) of the workload only (SparkSession start-up and the in-JVM warm-up "
            + "excluded), median of the measured runs. Ratio = median built-in time / median contender time "
            + "(> 1: the contender is faster), with the min-max of the per-round ratios. Shuffle bytes: the "
            + "built-in's compressed shuffleBytesWritten.\n\n");
    md.append("| workload | input records | shuffle bytes |");
    s.contenders.forEach(c -> md.append(' ').append(c.label).append(" s |"));
    others.forEach(c -> md.append(' ').append(c.label).append(" ratio (min-max) |"));
    md.append(" status |\n|---|---:|---:|");
    s.contenders.forEach(c -> md.append("---:|"));
    others.forEach(c -> md.append("---|"));
    md.append("---|\n");
    for (WorkloadResult r : results) {
      md.append("| ")
          .append(r.name())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,d", r.records))
          .append(" | ")
          .append(one(r, r.of(Contender.BUILT_IN), "shuffleBytesWritten", true))
          .append(" |");
      s.contenders.forEach(c -> md.append(' ').append(seconds(r, c)).append(" |"));
      for (Contender c : others) {
        double[] ratio = r.ratio(c);
        md.append(' ');
        if (r.mismatch != null) {
          md.append("**CHECKSUM MISMATCH**");
        } else if (ratio == null) {
          md.append("n/a");
        } else {
          md.append(
              String.format(Locale.ROOT, "**%.2f** (%.2f-%.2f)", ratio[0], ratio[1], ratio[2]));
        }
        md.append(" |");
      }
      md.append(' ')
          .append(r.ran().stream().map(c -> status(r.of(c))).collect(Collectors.joining(" / ")))
          .append(" |\n");
    }

    md.append(
        "\nThroughput per core (MB/s = 10^6 bytes/s of serialized, uncompressed shuffle data: the "
            + "built-in's compressed shuffle bytes / the lz4 ratio of the workload's own serialized records, "
            + "credited to every contender, over the summed run time of the tasks that wrote shuffle output "
            + "(write) or read shuffle input (read); those tasks also generate, aggregate, sort or join, so "
            + "this is an end-to-end figure). In brackets: the fraction of the ceiling, write = "
            + "1/(1/lz4 compress + ratio/file write), read = 1/(1/lz4 decompress + ratio/file read), per core "
            + "from the calibration above.\n\n");
    md.append("| workload | lz4 ratio | write ceiling | read ceiling |");
    s.contenders.forEach(c -> md.append(' ').append(c.label).append(" write |"));
    s.contenders.forEach(c -> md.append(' ').append(c.label).append(" read |"));
    md.append("\n|---|---:|---:|---:|");
    s.contenders.forEach(c -> md.append("---:|---:|"));
    md.append('\n');
    for (WorkloadResult r : results) {
      Ceiling ceiling = Ceiling.of(s.calibration, r.workload.name(), r.serializer);
      md.append("| ")
          .append(r.name())
          .append(" | ")
          .append(ceiling == null ? "-" : String.format(Locale.ROOT, "%.3f", ceiling.ratio()))
          .append(" | ")
          .append(ceiling == null ? "-" : mbps(ceiling.writeMBps()))
          .append(" | ")
          .append(ceiling == null ? "-" : mbps(ceiling.readMBps()))
          .append(" |");
      for (int side = 0; side < 2; side++) {
        for (Contender c : s.contenders) {
          double[] t = r.throughput(c, ceiling);
          md.append(' ')
              .append(
                  Double.isNaN(t[2 * side])
                      ? "-"
                      : mbps(t[2 * side])
                          + String.format(Locale.ROOT, " (%.0f%%)", 100 * t[2 * side + 1]))
              .append(" |");
        }
      }
      md.append('\n');
    }

    md.append("\nResources (medians over the successful measured runs; ")
        .append(s.contenders.stream().map(c -> c.label).collect(Collectors.joining(" / ")))
        .append(
            "). \"Spill tasks\" = tasks with memoryBytesSpilled > 0 (Spark has no spill-count metric); "
                + "spill bytes are Spark's memoryBytesSpilled (in-memory size) and diskBytesSpilled (bytes "
                + "in spill files), summed over tasks; peak execution memory is the largest task's "
                + "peakExecutionMemory; GC is the sum of the tasks' jvmGCTime (tasks share the JVM in local "
                + "mode, so concurrent tasks count the same pause twice). Comet's native memory is off-heap "
                + "and not in these metrics.\n\n");
    md.append(
        "| workload | shuffle bytes written | spill tasks / tasks | memory bytes spilled "
            + "| disk bytes spilled | peak execution memory | task GC time |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (WorkloadResult r : results) {
      md.append("| ")
          .append(r.name())
          .append(" | ")
          .append(all(r, c -> one(r, r.of(c), "shuffleBytesWritten", true)))
          .append(" | ")
          .append(all(r, c -> spillTasks(r, r.of(c))))
          .append(" | ")
          .append(all(r, c -> one(r, r.of(c), "memoryBytesSpilled", true)))
          .append(" | ")
          .append(all(r, c -> one(r, r.of(c), "diskBytesSpilled", true)))
          .append(" | ")
          .append(all(r, c -> one(r, r.of(c), "peakExecutionMemory", true)))
          .append(" | ")
          .append(all(r, c -> one(r, r.of(c), "jvmGcTimeMs", false)))
          .append(" |\n");
    }

    md.append(
        "\nWhere the time goes (medians; same order). Process CPU is every thread of "
            + "the run's JVM during the measured job (tasks, GC, JIT, Comet's native threads; the driver only, "
            + "on a local-cluster), a steadier measure than wall time on a loaded machine. Writer / reader "
            + "task s: summed executorRunTime of the tasks that wrote / read shuffle data; shuffle write "
            + "time is Spark's writeTime metric; fetch wait is the reducers' fetchWaitTime. Merges: "
            + "Spillway's map-side spill merges in the measured job (from its counters on the listener bus): merges "
            + "(spills merged), total merge time, the most spill files one merge had open. Comet plan: shuffle "
            + "exchanges in the final executed SQL plans that are Comet's: native (CometExchange, "
            + "CometNativeShuffle) or columnar (CometColumnarExchange, Comet's JVM shuffle of rows from a "
            + "non-native operator).\n\n");
    md.append(
        "| workload | process CPU s | writer task s | reader task s "
            + "| shuffle write s | fetch wait s | Spillway merges (spills), time, most files open | Comet plan |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (WorkloadResult r : results) {
      md.append("| ")
          .append(r.name())
          .append(" | ")
          .append(all(r, c -> secondsOf(r, r.of(c), "processCpuMs")))
          .append(" | ")
          .append(all(r, c -> secondsOf(r, r.of(c), "writerTaskMs")))
          .append(" | ")
          .append(all(r, c -> secondsOf(r, r.of(c), "readerTaskMs")))
          .append(" | ")
          .append(all(r, c -> secondsOf(r, r.of(c), "shuffleWriteMs")))
          .append(" | ")
          .append(all(r, c -> secondsOf(r, r.of(c), "fetchWaitMs")))
          .append(" | ")
          .append(merges(r))
          .append(" | ")
          .append(cometPlan(r))
          .append(" |\n");
    }

    md.append("\nWorkloads (sizes at this scale):\n\n");
    for (WorkloadResult r : results) {
      md.append("- `")
          .append(r.name())
          .append("`: ")
          .append(r.workload.description())
          .append("; ")
          .append(String.format(Locale.ROOT, "%,d", r.records))
          .append(" records");
      if (!r.workload.conf().isEmpty()) {
        md.append("; settings ").append(r.workload.conf());
      }
      md.append(".\n");
    }
    List<String> problems = new ArrayList<>();
    for (WorkloadResult r : results) {
      if (r.mismatch != null) {
        problems.add("- **CHECKSUM MISMATCH** in `" + r.name() + "`: " + r.mismatch);
      }
      for (Contender c : r.contenders) {
        String f = WorkloadResult.failure(r.of(c));
        if (f != null) {
          problems.add("- `" + r.name() + "` " + c.label + " FAILED: `" + f + "`");
        }
        String why = r.notRun.get(c);
        if (why != null && c.runs(r.workload)) {
          problems.add("- `" + r.name() + "` " + c.label + " not run: " + why);
        }
        String plan = cometPlanProblem(r, c);
        if (plan != null) {
          problems.add("- `" + r.name() + "` " + c.label + ": " + plan);
        }
      }
    }
    List<String> rdd =
        results.stream().filter(r -> !r.workload.sql()).map(WorkloadResult::name).toList();
    if (s.contenders.contains(Contender.COMET) && !rdd.isEmpty()) {
      problems.add(
          "- Comet does not run the RDD workloads: "
              + Contender.COMET.whyNot(
                  results.stream().filter(r -> !r.workload.sql()).findFirst().get().workload)
              + ".");
    }
    if (!problems.isEmpty()) {
      md.append(
          "\nFailures, mismatches and contenders not run (a failed run is not repeated):\n\n");
      problems.forEach(p -> md.append(p).append('\n'));
    }
    md.append(
        "\nChecksums (identical across every successful run of a workload, every contender, unless marked):\n\n");
    for (WorkloadResult r : results) {
      String checksum =
          r.contenders.stream()
              .flatMap(c -> r.of(c).stream())
              .filter(Run::ok)
              .map(x -> x.get("checksum"))
              .findFirst()
              .orElse("none");
      md.append("- `")
          .append(r.name())
          .append("`: `")
          .append(checksum)
          .append('`')
          .append(r.mismatch != null ? " **MISMATCH**" : "")
          .append('\n');
    }
    md.append("\n![ratio chart](").append(baseName(s)).append(".png)\n");
    return md.toString();
  }

  /** The calibration table: the machine's per-core ceilings measured before the jobs. */
  static void calibration(StringBuilder md, Map<String, String> c) {
    if (c.isEmpty()) {
      md.append("No calibration (`--calibrate no`): no ceilings, no fractions.\n\n");
      return;
    }
    if (!"OK".equals(c.get("status"))) {
      md.append("Calibration ").append(c.get("status")).append(": no ceilings, no fractions.\n\n");
      return;
    }
    md.append(
            "Ceilings, measured before the jobs in a JVM of their own on one thread (per core; MB = "
                + "10^6 bytes; median of timed passes; ")
        .append(c.get("seconds"))
        .append(" s): ")
        .append(c.get("lz4"))
        .append(
            ", on each workload's shuffle input records serialized as its shuffle "
                + "serializes them (")
        .append(c.get("sampleMiB"))
        .append(" MiB a workload); memcpy = " + "System.arraycopy of 64 MiB; files: a ")
        .append(c.get("fileMiB"))
        .append(" MiB file in `")
        .append(c.get("fileDirectory"))
        .append("` in 1 MiB writes.\n\n");
    md.append(
            "| memcpy | file write (page cache) | file write + fsync | file read (page cache) "
                + "| file read (O_DIRECT) |\n|---:|---:|---:|---:|---:|\n| ")
        .append(mbps(c.get("memcpyMBps")))
        .append(" | ")
        .append(mbps(c.get("fileWriteMBps")))
        .append(" | ")
        .append(mbps(c.get("fileWriteFsyncMBps")))
        .append(" | ")
        .append(mbps(c.get("fileReadMBps")))
        .append(" | ")
        .append(mbps(c.get("fileReadDirectMBps")))
        .append(" |\n\n");
    md.append(
        "| workload / serializer | serialized bytes per record | lz4 ratio | lz4 compress | lz4 decompress |\n"
            + "|---|---:|---:|---:|---:|\n");
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    c.forEach(
        (k, v) -> {
          int dot = k.lastIndexOf('.');
          if (k.contains("/") && dot > 0) {
            cases
                .computeIfAbsent(k.substring(0, dot), x -> new LinkedHashMap<>())
                .put(k.substring(dot + 1), v);
          }
        });
    cases.forEach(
        (k, v) ->
            md.append("| ")
                .append(k)
                .append(" | ")
                .append(v.get("bytesPerRecord"))
                .append(" | ")
                .append(v.get("ratio"))
                .append(" | ")
                .append(mbps(v.get("lz4CompressMBps")))
                .append(" | ")
                .append(mbps(v.get("lz4DecompressMBps")))
                .append(" |\n"));
    md.append('\n');
  }

  static String mbps(String value) {
    try {
      return mbps(Double.parseDouble(value));
    } catch (NumberFormatException | NullPointerException e) {
      return value == null ? "-" : escape(truncate(value, 60));
    }
  }

  static String mbps(double value) {
    return String.format(Locale.ROOT, "%,.0f MB/s", value);
  }

  static String all(WorkloadResult r, java.util.function.Function<Contender, String> f) {
    return r.contenders.stream()
        .map(c -> r.notRun.containsKey(c) ? "-" : f.apply(c))
        .collect(Collectors.joining(" / "));
  }

  static String seconds(WorkloadResult r, Contender c) {
    if (r.notRun.containsKey(c)) {
      return "-";
    }
    if (!WorkloadResult.allOk(r.of(c))) {
      return "FAILED";
    }
    return String.format(Locale.ROOT, "%.2f", r.median(r.of(c), Run::wallMs) / 1000);
  }

  static String status(List<Run> runs) {
    String f = WorkloadResult.failure(runs);
    return f == null ? "ok (" + runs.size() + ")" : "FAILED: " + escape(truncate(f, 120));
  }

  static String one(WorkloadResult r, List<Run> runs, String key, boolean bytes) {
    if (runs.stream().noneMatch(Run::ok)) {
      return "-";
    }
    double v = r.median(runs, x -> x.number(key));
    if (Double.isNaN(v)) {
      return "-";
    }
    return bytes ? mib((long) v) : String.format(Locale.ROOT, "%,.0f ms", v);
  }

  static String secondsOf(WorkloadResult r, List<Run> runs, String key) {
    if (runs.stream().noneMatch(x -> x.ok() && x.get(key) != null)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", r.median(runs, x -> x.number(key)) / 1000);
  }

  static String merges(WorkloadResult r) {
    List<Run> runs =
        r.of(Contender.SPILLWAY).stream().filter(x -> x.ok() && x.get("merges") != null).toList();
    if (runs.isEmpty()) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.0f (%.0f), %.2f s, %.0f",
        r.median(runs, x -> x.number("merges")),
        r.median(runs, x -> x.number("mergedSpills")),
        r.median(runs, x -> x.number("mergeMs")) / 1000,
        r.median(runs, x -> x.number("mostFilesOpen")));
  }

  /** "Comet exchanges / all exchanges" of Comet's median run's plans. */
  static String cometPlan(WorkloadResult r) {
    List<Run> runs =
        r.of(Contender.COMET).stream()
            .filter(x -> x.ok() && x.get("planExchanges") != null)
            .toList();
    if (runs.isEmpty()) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.0f of %.0f exchanges Comet's (%.0f native, the rest columnar)",
        r.median(runs, x -> x.number("cometExchanges")),
        r.median(runs, x -> x.number("planExchanges")),
        r.median(runs, x -> x.number("cometNativeExchanges")));
  }

  /** Why a Comet run did not measure Comet's shuffle (its plans had Spark exchanges), or null. */
  static String cometPlanProblem(WorkloadResult r, Contender c) {
    if (c != Contender.COMET) {
      return null;
    }
    for (Run run : r.of(c)) {
      if (run.ok()
          && run.get("planExchanges") != null
          && run.number("cometExchanges") < run.number("planExchanges")) {
        return "only "
            + run.get("cometExchanges")
            + " of "
            + run.get("planExchanges")
            + " shuffle exchanges "
            + "in the executed plans are Comet's; the rest fell back to Spark's exchange (the plans are in "
            + run.get("log")
            + ")";
      }
    }
    return null;
  }

  static String spillTasks(WorkloadResult r, List<Run> runs) {
    if (runs.stream().noneMatch(Run::ok)) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.0f/%.0f",
        r.median(runs, x -> x.number("spillTasks")),
        r.median(runs, x -> x.number("tasks")));
  }

  static String mib(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    if (bytes < (1 << 20)) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  static String escape(String s) {
    return s.replace("|", "\\|");
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(
              l ->
                  String.format(
                      Locale.ROOT,
                      "%.1f GiB",
                      Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------ CSV

  static final String[] RUN_COLUMNS = {
    "workload",
    "serializer",
    "contender",
    "manager",
    "status",
    "records",
    "wallMs",
    "checksum",
    "tasks",
    "failedTasks",
    "shuffleBytesWritten",
    "shuffleRecordsWritten",
    "shuffleBytesRead",
    "shuffleRecordsRead",
    "memoryBytesSpilled",
    "diskBytesSpilled",
    "spillTasks",
    "peakExecutionMemory",
    "jvmGcTimeMs",
    "processCpuMs",
    "taskCpuMs",
    "mapTaskMs",
    "otherTaskMs",
    "writerTaskMs",
    "writerTaskCpuMs",
    "readerTaskMs",
    "readerTaskCpuMs",
    "shuffleWriteMs",
    "fetchWaitMs",
    "merges",
    "mergedSpills",
    "mergeMs",
    "mostFilesOpen",
    "planExchanges",
    "cometExchanges",
    "cometNativeExchanges",
    "error"
  };

  /**
   * One row per run, the run's own values, then the case's ceilings and the run's throughputs
   * (MB/s per core, and as fractions of the ceilings; see {@link Ceiling}).
   */
  static String csv(SpillwayBenchmark.Settings s, List<WorkloadResult> results) {
    List<String> header = new ArrayList<>(Arrays.asList(RUN_COLUMNS));
    header.addAll(
        List.of(
            "lz4Ratio",
            "lz4CompressMBps",
            "lz4DecompressMBps",
            "writeCeilingMBps",
            "readCeilingMBps",
            "writeMBpsPerCore",
            "writeFraction",
            "readMBpsPerCore",
            "readFraction",
            "writeMBpsPerCpuSecond",
            "readMBpsPerCpuSecond"));
    StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
    for (WorkloadResult r : results) {
      Ceiling ceiling = Ceiling.of(s.calibration, r.workload.name(), r.serializer);
      double written =
          ceiling == null
              ? Double.NaN
              : ceiling.logicalBytes(r.referenceBytes("shuffleBytesWritten"));
      double read =
          ceiling == null ? Double.NaN : ceiling.logicalBytes(r.referenceBytes("shuffleBytesRead"));
      for (Contender c : r.contenders) {
        for (Run run : r.of(c)) {
          List<String> row = new ArrayList<>();
          for (String column : RUN_COLUMNS) {
            String v = run.values().getOrDefault(column, "");
            row.add(v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v);
          }
          if (ceiling == null || !run.ok()) {
            row.addAll(java.util.Collections.nCopies(11, ""));
          } else {
            double w = Ceiling.perCore(written, run.number("writerTaskMs"));
            double rd = Ceiling.perCore(read, run.number("readerTaskMs"));
            // the same over the tasks' CPU time (steadier on a loaded machine; Comet's native
            // threads outside the task thread are not in it)
            double wCpu = Ceiling.perCore(written, run.number("writerTaskCpuMs"));
            double rdCpu = Ceiling.perCore(read, run.number("readerTaskCpuMs"));
            for (double v :
                new double[] {
                  ceiling.ratio(),
                  ceiling.compressMBps(),
                  ceiling.decompressMBps(),
                  ceiling.writeMBps(),
                  ceiling.readMBps(),
                  w,
                  w / ceiling.writeMBps(),
                  rd,
                  rd / ceiling.readMBps(),
                  wCpu,
                  rdCpu
                }) {
              row.add(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v));
            }
          }
          csv.append(String.join(",", row)).append('\n');
        }
      }
    }
    return csv.toString();
  }
}
