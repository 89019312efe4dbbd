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

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/** The Markdown table, the ratio chart (Java2D) and the raw CSV of one benchmark run. */
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

  static final class WorkloadResult {
    final Workloads.Workload workload;
    final long records;
    final List<Run> builtIn = new ArrayList<>();
    final List<Run> spillway = new ArrayList<>();
    String mismatch;

    WorkloadResult(Workloads.Workload workload, long records) {
      this.workload = workload;
      this.records = records;
    }

    void checkChecksums() {
      TreeSet<String> seen = new TreeSet<>();
      List<String> all = new ArrayList<>();
      for (List<Run> runs : List.of(builtIn, spillway)) {
        for (Run r : runs) {
          if (r.ok()) {
            seen.add(r.get("checksum"));
            all.add((runs == builtIn ? "built-in " : "Spillway ") + r.get("checksum"));
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
      double[] values = runs.stream().filter(Run::ok).mapToDouble(f).sorted().toArray();
      if (values.length == 0) {
        return Double.NaN;
      }
      int mid = values.length / 2;
      return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** median built-in / median Spillway, and min and max of the per-pair ratios. */
    double[] ratio() {
      if (mismatch != null || !allOk(builtIn) || !allOk(spillway)) {
        return null;
      }
      int pairs = Math.min(builtIn.size(), spillway.size());
      double min = Double.MAX_VALUE;
      double max = 0;
      for (int i = 0; i < pairs; i++) {
        double r = builtIn.get(i).wallMs() / spillway.get(i).wallMs();
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      return new double[] {median(builtIn, Run::wallMs) / median(spillway, Run::wallMs), min, max};
    }
  }

  static void write(Path out, SpillwayBenchmark.Settings settings, List<WorkloadResult> results)
      throws IOException {
    Files.writeString(out.resolve("latest.md"), markdown(settings, results), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("latest.csv"), csv(results), StandardCharsets.UTF_8);
    ImageIO.write(chart(settings, results), "png", out.resolve("latest.png").toFile());
  }

  // ------------------------------------------------------------------ Markdown

  static String markdown(SpillwayBenchmark.Settings s, List<WorkloadResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Spillway vs Spark's built-in sort shuffle\n\n");
    md.append("Command:\n\n    ").append(s.command).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| started | ").append(s.startedAt).append(" |\n");
    md.append("| whole run took | ").append(String.format("%d min %02d s", s.elapsedSeconds / 60, s.elapsedSeconds % 60))
        .append(" (worker JVM start-ups, SparkSession start-ups and warm-up runs included) |\n");
    md.append("| Spark | ").append(s.sparkVersion).append(" |\n");
    md.append("| JVM | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (")
        .append(System.getProperty("java.vm.vendor")).append(") |\n");
    md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(cpuModel()).append(", ").append(memTotal()).append(" RAM, ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(" |\n");
    md.append("| load average (1/5/15 min) | before: ").append(s.loadAverageBefore)
        .append("; after: ").append(s.loadAverageAfter).append(" |\n");
    md.append("| master | `").append(s.master).append("` |\n");
    md.append("| memory | each worker JVM has `-Xmx").append(s.heapMiB).append("m`");
    if (s.master.startsWith("local-cluster")) {
      md.append("; executor memory from the master URL");
    } else {
      md.append("; `spark.testing.memory=").append(s.memoryMiB).append("m`");
    }
    md.append(", `spark.memory.fraction=0.6`: unified execution+storage pool ")
        .append(s.unifiedPoolBytes > 0 ? mib(s.unifiedPoolBytes) : "unknown")
        .append(", shared by the concurrent tasks |\n");
    md.append("| serializer | Kryo (`spark.serializer=org.apache.spark.serializer.KryoSerializer`), "
        + "codec lz4 (default) |\n");
    md.append("| repetitions | ").append(s.warmup).append(" warm-up pair(s), then ").append(s.reps)
        .append(" measured pair(s) per workload, alternating built-in, Spillway, built-in, ...; one worker JVM "
            + "per manager and workload serves its runs, each in a fresh SparkSession")
        .append(s.jvmWarmup > 0 ? ", after running the workload once unmeasured on " + s.jvmWarmup
            + " of its records (JIT, codegen)" : "")
        .append("; before each measured job the worker collects garbage and waits for its JIT compilers "
            + "to go quiet |\n");
    md.append("| scale | ").append(s.scale).append(" |\n\n");

    md.append("Wall time is the job(s) of the workload only (SparkSession start-up and the in-JVM warm-up "
        + "excluded). Ratio = median built-in time / "
        + "median Spillway time (> 1: Spillway faster), with the min-max of the per-pair ratios. "
        + "records/s = input records / median wall time.\n\n");
    md.append("| workload | input records | built-in median s | Spillway median s | ratio (min-max) "
        + "| built-in records/s | Spillway records/s | status built-in / Spillway |\n");
    md.append("|---|---:|---:|---:|---|---:|---:|---|\n");
    for (WorkloadResult r : results) {
      double[] ratio = r.ratio();
      md.append("| ").append(r.workload.name()).append(" | ").append(String.format(Locale.ROOT, "%,d", r.records))
          .append(" | ").append(seconds(r, r.builtIn)).append(" | ").append(seconds(r, r.spillway))
          .append(" | ");
      if (r.mismatch != null) {
        md.append("**CHECKSUM MISMATCH**");
      } else if (ratio == null) {
        md.append("n/a");
      } else {
        md.append(String.format(Locale.ROOT, "**%.2f** (%.2f-%.2f)", ratio[0], ratio[1], ratio[2]));
      }
      md.append(" | ").append(rate(r, r.builtIn)).append(" | ").append(rate(r, r.spillway))
          .append(" | ").append(status(r.builtIn)).append(" / ").append(status(r.spillway)).append(" |\n");
    }

    md.append("\nResources (medians over the successful measured runs; built-in / Spillway). "
        + "\"Spill tasks\" = tasks with memoryBytesSpilled > 0 (Spark has no spill-count metric); "
        + "spill bytes are Spark's memoryBytesSpilled (in-memory size) and diskBytesSpilled (bytes "
        + "in spill files), summed over tasks; peak execution memory is the largest task's "
        + "peakExecutionMemory; GC is the sum of the tasks' jvmGCTime (tasks share the JVM in local "
        + "mode, so concurrent tasks count the same pause twice).\n\n");
    md.append("| workload | shuffle bytes written | spill tasks / tasks | memory bytes spilled "
        + "| disk bytes spilled | peak execution memory | task GC time |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (WorkloadResult r : results) {
      md.append("| ").append(r.workload.name())
          .append(" | ").append(pair(r, "shuffleBytesWritten", true))
          .append(" | ").append(spillTasks(r, r.builtIn)).append(" / ").append(spillTasks(r, r.spillway))
          .append(" | ").append(pair(r, "memoryBytesSpilled", true))
          .append(" | ").append(pair(r, "diskBytesSpilled", true))
          .append(" | ").append(pair(r, "peakExecutionMemory", true))
          .append(" | ").append(pair(r, "jvmGcTimeMs", false)).append(" |\n");
    }

    md.append("\nWhere the time goes (medians; built-in / Spillway). Process CPU is every thread of "
        + "the run's JVM during the measured job (tasks, GC, JIT; the driver only, on a "
        + "local-cluster), a steadier measure than wall time on a loaded machine; CPU ratio = "
        + "built-in / Spillway. Task times are sums of executorRunTime over map tasks and over the "
        + "other (reduce/result) tasks; shuffle write time is Spark's writeTime metric; fetch wait "
        + "is the reducers' fetchWaitTime. Merges: Spillway's map-side spill merges in the measured "
        + "job (from its log; local mode): merges (spills merged), total merge time, the most "
        + "spill files one merge had open.\n\n");
    md.append("| workload | process CPU s | CPU ratio | map task s | reduce task s "
        + "| shuffle write s | fetch wait s | Spillway merges (spills), time, most files open |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (WorkloadResult r : results) {
      md.append("| ").append(r.workload.name())
          .append(" | ").append(secondsPair(r, "processCpuMs"))
          .append(" | ").append(cpuRatio(r))
          .append(" | ").append(secondsPair(r, "mapTaskMs"))
          .append(" | ").append(secondsPair(r, "otherTaskMs"))
          .append(" | ").append(secondsPair(r, "shuffleWriteMs"))
          .append(" | ").append(secondsPair(r, "fetchWaitMs"))
          .append(" | ").append(merges(r)).append(" |\n");
    }

    md.append("\nWorkloads (sizes at this scale):\n\n");
    for (WorkloadResult r : results) {
      md.append("- `").append(r.workload.name()).append("`: ").append(r.workload.description())
          .append("; ").append(String.format(Locale.ROOT, "%,d", r.records)).append(" records");
      if (!r.workload.conf().isEmpty()) {
        md.append("; settings ").append(r.workload.conf());
      }
      md.append(".\n");
    }
    List<String> problems = new ArrayList<>();
    for (WorkloadResult r : results) {
      if (r.mismatch != null) {
        problems.add("- **CHECKSUM MISMATCH** in `" + r.workload.name() + "`: " + r.mismatch);
      }
      String f = WorkloadResult.failure(r.builtIn);
      if (f != null) {
        problems.add("- `" + r.workload.name() + "` built-in FAILED: `" + f + "`");
      }
      f = WorkloadResult.failure(r.spillway);
      if (f != null) {
        problems.add("- `" + r.workload.name() + "` Spillway FAILED: `" + f + "`");
      }
    }
    if (!problems.isEmpty()) {
      md.append("\nFailures and mismatches (a failed run is not repeated):\n\n");
      problems.forEach(p -> md.append(p).append('\n'));
    }
    md.append("\nChecksums (identical across every successful run of a workload unless marked):\n\n");
    for (WorkloadResult r : results) {
      String checksum = r.builtIn.stream().filter(Run::ok).map(x -> x.get("checksum")).findFirst()
          .orElse(r.spillway.stream().filter(Run::ok).map(x -> x.get("checksum")).findFirst().orElse("none"));
      md.append("- `").append(r.workload.name()).append("`: `").append(checksum).append('`')
          .append(r.mismatch != null ? " **MISMATCH**" : "").append('\n');
    }
    md.append("\n![ratio chart](latest.png)\n");
    return md.toString();
  }

  static String seconds(WorkloadResult r, List<Run> runs) {
    if (!WorkloadResult.allOk(runs)) {
      return "FAILED";
    }
    return String.format(Locale.ROOT, "%.2f", r.median(runs, Run::wallMs) / 1000);
  }

  static String rate(WorkloadResult r, List<Run> runs) {
    if (!WorkloadResult.allOk(runs)) {
      return "-";
    }
    double perSecond = r.records / (r.median(runs, Run::wallMs) / 1000);
    return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.2f M", perSecond / 1e6)
        : String.format(Locale.ROOT, "%.0f k", perSecond / 1e3);
  }

  static String status(List<Run> runs) {
    String f = WorkloadResult.failure(runs);
    return f == null ? "ok (" + runs.size() + ")" : "FAILED: " + escape(truncate(f, 120));
  }

  static String pair(WorkloadResult r, String key, boolean bytes) {
    return one(r, r.builtIn, key, bytes) + " / " + one(r, r.spillway, key, bytes);
  }

  static String one(WorkloadResult r, List<Run> runs, String key, boolean bytes) {
    if (runs.stream().noneMatch(Run::ok)) {
      return "-";
    }
    double v = r.median(runs, x -> x.number(key));
    return bytes ? mib((long) v) : String.format(Locale.ROOT, "%,.0f ms", v);
  }

  static String secondsPair(WorkloadResult r, String key) {
    return secondsOf(r, r.builtIn, key) + " / " + secondsOf(r, r.spillway, key);
  }

  static String secondsOf(WorkloadResult r, List<Run> runs, String key) {
    if (runs.stream().noneMatch(x -> x.ok() && x.get(key) != null)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", r.median(runs, x -> x.number(key)) / 1000);
  }

  static String cpuRatio(WorkloadResult r) {
    if (r.mismatch != null || !WorkloadResult.allOk(r.builtIn) || !WorkloadResult.allOk(r.spillway)
        || r.builtIn.stream().anyMatch(x -> x.get("processCpuMs") == null)
        || r.spillway.stream().anyMatch(x -> x.get("processCpuMs") == null)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f", r.median(r.builtIn, x -> x.number("processCpuMs"))
        / r.median(r.spillway, x -> x.number("processCpuMs")));
  }

  static String merges(WorkloadResult r) {
    List<Run> runs = r.spillway.stream().filter(x -> x.ok() && x.get("merges") != null).toList();
    if (runs.isEmpty()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f (%.0f), %.2f s, %.0f",
        r.median(runs, x -> x.number("merges")), r.median(runs, x -> x.number("mergedSpills")),
        r.median(runs, x -> x.number("mergeMs")) / 1000, r.median(runs, x -> x.number("mostFilesOpen")));
  }

  static String spillTasks(WorkloadResult r, List<Run> runs) {
    if (runs.stream().noneMatch(Run::ok)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f/%.0f", r.median(runs, x -> x.number("spillTasks")),
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
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .map(l -> String.format(Locale.ROOT, "%.1f GiB",
              Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
          .findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------ CSV

  static String csv(List<WorkloadResult> results) {
    String[] columns = {"workload", "manager", "status", "records", "wallMs", "checksum", "tasks",
        "failedTasks", "shuffleBytesWritten", "shuffleRecordsWritten", "memoryBytesSpilled",
        "diskBytesSpilled", "spillTasks", "peakExecutionMemory", "jvmGcTimeMs", "processCpuMs",
        "taskCpuMs", "mapTaskMs", "otherTaskMs", "shuffleWriteMs", "fetchWaitMs", "merges",
        "mergedSpills", "mergeMs", "mostFilesOpen", "error"};
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
    for (WorkloadResult r : results) {
      for (Run run : concat(r.builtIn, r.spillway)) {
        String[] row = Arrays.stream(columns).map(c -> {
          String v = run.values().getOrDefault(c, "");
          return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
        }).toArray(String[]::new);
        csv.append(String.join(",", row)).append('\n');
      }
    }
    return csv.toString();
  }

  static List<Run> concat(List<Run> a, List<Run> b) {
    List<Run> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  // ------------------------------------------------------------------ chart

  static BufferedImage chart(SpillwayBenchmark.Settings s, List<WorkloadResult> results) {
    int barSlot = 90;
    int left = 80;
    int right = 30;
    int top = 80;
    int bottom = 190;
    int plotHeight = 360;
    int width = Math.max(960, left + right + barSlot * results.size());
    int height = top + plotHeight + bottom;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    double maxRatio = 2.0;
    for (WorkloadResult r : results) {
      double[] ratio = r.ratio();
      if (ratio != null) {
        maxRatio = Math.max(maxRatio, ratio[2] * 1.1);
      }
    }
    maxRatio = Math.ceil(maxRatio * 2) / 2;

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("Built-in sort shuffle time / Spillway time (higher = Spillway faster)", left, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("Spark " + s.sparkVersion + ", " + s.master + ", scale " + s.scale + ", median of "
        + s.reps + " alternating pairs; whiskers: min-max of per-pair ratios", left, 46);
    g.drawString(s.startedAt + "; shared, noisy machine (load average before: " + s.loadAverageBefore
        + ")", left, 62);

    // axis and grid
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double y = 0; y <= maxRatio + 1e-9; y += maxRatio > 4 ? 1.0 : 0.5) {
      int py = top + plotHeight - (int) Math.round(y / maxRatio * plotHeight);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(left, py, width - right, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.1f", y), left - 35, py + 4);
    }
    int oneY = top + plotHeight - (int) Math.round(1.0 / maxRatio * plotHeight);
    g.setColor(Color.RED.darker());
    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    g.drawLine(left, oneY, width - right, oneY);
    g.drawString("parity", width - right - 40, oneY - 4);
    g.setStroke(new BasicStroke(1f));
    g.setColor(Color.BLACK);
    g.drawLine(left, top, left, top + plotHeight);
    g.drawLine(left, top + plotHeight, width - right, top + plotHeight);

    for (int i = 0; i < results.size(); i++) {
      WorkloadResult r = results.get(i);
      int x = left + i * barSlot + 15;
      int barWidth = barSlot - 30;
      double[] ratio = r.ratio();
      if (ratio != null) {
        int barTop = top + plotHeight - (int) Math.round(ratio[0] / maxRatio * plotHeight);
        g.setColor(ratio[0] >= 1 ? new Color(46, 125, 50) : new Color(198, 80, 40));
        g.fillRect(x, barTop, barWidth, top + plotHeight - barTop);
        g.setColor(Color.BLACK);
        int yMin = top + plotHeight - (int) Math.round(ratio[1] / maxRatio * plotHeight);
        int yMax = top + plotHeight - (int) Math.round(ratio[2] / maxRatio * plotHeight);
        int cx = x + barWidth / 2;
        g.drawLine(cx, yMin, cx, yMax);
        g.drawLine(cx - 6, yMin, cx + 6, yMin);
        g.drawLine(cx - 6, yMax, cx + 6, yMax);
        g.drawString(String.format(Locale.ROOT, "%.2f", ratio[0]), x + 4, Math.min(barTop, yMax) - 5);
      } else {
        g.setColor(Color.GRAY);
        String text = r.mismatch != null ? "MISMATCH"
            : "FAILED " + (WorkloadResult.allOk(r.builtIn) ? "" : "B") + (WorkloadResult.allOk(r.spillway) ? "" : "S");
        g.drawString(text, x, top + plotHeight - 8);
      }
      // rotated workload label
      AffineTransform saved = g.getTransform();
      g.setColor(Color.BLACK);
      g.translate(x + barWidth / 2.0 + 4, top + plotHeight + 10);
      g.rotate(Math.toRadians(60));
      g.drawString(r.workload.name(), 0, 0);
      g.setTransform(saved);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString("FAILED B / S: the built-in / Spillway run failed (see latest.md)", left, height - 12);
    g.dispose();
    return image;
  }
}
