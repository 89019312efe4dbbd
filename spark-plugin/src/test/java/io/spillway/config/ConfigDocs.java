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
package io.spillway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration docs generated from {@link SpillwayConfig#ALL_ENTRIES} and {@link
 * SparkKeysRead}, and where they go: each generated block sits between a begin and an end marker
 * line in a file that is otherwise written by hand.
 *
 * <pre>
 *   README.md                            Spillway's keys (markdown table)
 *   docs/configuration.md                Spillway's keys, then the Spark keys Spillway reads
 *   conf/spark-defaults.conf.template    every Spillway key, commented, with its default
 * </pre>
 *
 * {@code ConfigDocsTest} fails on any difference; {@code main} (or the test with {@code
 * -Dspillway.docs.update=true}) rewrites the blocks.
 */
final class ConfigDocs {
  private ConfigDocs() {}

  static final String MARKDOWN_BEGIN =
      "<!-- BEGIN GENERATED %s: edit io.spillway.config, then"
          + " run ConfigDocsTest with -Dspillway.docs.update=true -->";
  static final String MARKDOWN_END = "<!-- END GENERATED %s -->";
  static final String CONF_BEGIN =
      "# BEGIN GENERATED %s (from io.spillway.config; see" + " docs/configuration.md)";
  static final String CONF_END = "# END GENERATED %s";

  /** One generated block of one file. */
  record Block(String file, String name, String begin, String end, String content) {}

  static List<Block> blocks() {
    return List.of(
        markdown("README.md", "spillway-settings", spillwayTable()),
        markdown("docs/configuration.md", "spillway-settings", spillwayTable()),
        markdown("docs/configuration.md", "spark-settings", sparkTable()),
        new Block(
            "conf/spark-defaults.conf.template",
            "spillway-settings",
            String.format(CONF_BEGIN, "spillway-settings"),
            String.format(CONF_END, "spillway-settings"),
            defaultsTemplate()));
  }

  private static Block markdown(String file, String name, String content) {
    return new Block(
        file,
        name,
        String.format(MARKDOWN_BEGIN, name),
        String.format(MARKDOWN_END, name),
        content);
  }

  /** {@code | key | default | unit | allowed | meaning |}, one row per Spillway key. */
  static String spillwayTable() {
    StringBuilder table = new StringBuilder();
    table.append("| key | default | unit | allowed | meaning |\n");
    table.append("|---|---|---|---|---|\n");
    for (ConfigEntry<?> entry : SpillwayConfig.ALL_ENTRIES) {
      table
          .append("| `")
          .append(entry.key())
          .append("` | `")
          .append(entry.defaultValue())
          .append("` | ")
          .append(entry.unit())
          .append(" | ")
          .append(entry.allowedValues())
          .append(" | ")
          .append(cell(entry.doc()))
          .append(" |\n");
    }
    return table.toString();
  }

  /** {@code | key | Spark's default | under Spillway |}, one row per Spark key read. */
  static String sparkTable() {
    StringBuilder table = new StringBuilder();
    table.append("| key | Spark's default | under Spillway |\n");
    table.append("|---|---|---|\n");
    for (SparkKeysRead.Use use : SparkKeysRead.all()) {
      table
          .append("| `")
          .append(use.key())
          .append("` | `")
          .append(use.defaultValue())
          .append("` | ")
          .append(cell(use.use()))
          .append(" |\n");
    }
    return table.toString();
  }

  /**
   * Every Spillway key as a commented {@code spark-defaults.conf} line with its default, after its
   * doc wrapped to 100 columns:
   *
   * <pre>
   * # (doc, wrapped)
   * # unit: files; allowed: an integer from 2 to 65536
   * # spark.spillway.merge.maxOpenFiles   64
   * </pre>
   */
  static String defaultsTemplate() {
    StringBuilder text = new StringBuilder();
    for (ConfigEntry<?> entry : SpillwayConfig.ALL_ENTRIES) {
      if (text.length() > 0) {
        text.append('\n');
      }
      for (String line : wrap(entry.doc().replace("`", ""), 98)) {
        text.append("# ").append(line).append('\n');
      }
      text.append("# ")
          .append(entry.unit().equals("-") ? "" : "unit: " + entry.unit() + "; ")
          .append("allowed: ")
          .append(entry.allowedValues())
          .append('\n');
      text.append(String.format("# %-42s %s%n", entry.key(), entry.defaultValue()));
    }
    return text.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** What lies between the block's markers in {@code text} (throws if a marker is missing). */
  static String current(Block block, String text) {
    int begin = text.indexOf(block.begin() + "\n");
    int end = text.indexOf(block.end(), Math.max(begin, 0));
    if (begin < 0 || end < 0) {
      throw new IllegalStateException(
          block.file()
              + " lacks the marker lines of block "
              + block.name()
              + ": "
              + block.begin()
              + " ... "
              + block.end());
    }
    return text.substring(begin + block.begin().length() + 1, end);
  }

  /** {@code text} with the block's content replaced by what the code says. */
  static String updated(Block block, String text) {
    String old = current(block, text);
    int begin = text.indexOf(block.begin() + "\n") + block.begin().length() + 1;
    return text.substring(0, begin) + block.content() + text.substring(begin + old.length());
  }

  /** Rewrites every generated block under {@code root} (the repository). */
  static void writeAll(Path root) throws IOException {
    for (Block block : blocks()) {
      Path file = root.resolve(block.file());
      Files.writeString(file, updated(block, Files.readString(file)));
    }
  }

  /** Rewrites the generated blocks; the argument is the repository root (default: ..). */
  public static void main(String[] args) throws IOException {
    writeAll(Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize());
  }
}
