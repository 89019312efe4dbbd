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

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Settings that are valid but cannot do what they say, found at start-up, each as one sentence
 * for one WARN line. A bad value stops the application ({@link SpillwayConfig#validate}); these
 * do not, because Spark itself accepts unknown keys and the job is still correct:
 *
 * <ul>
 *   <li>a {@code spark.spillway.*} key Spillway does not have (a typo: {@code
 *       spark.spillway.merge.maxOpenFile}), named with the nearest real key by edit distance;
 *   <li>a forced merge strategy the job's settings rule out (transferTo under IO encryption, a
 *       concatenating strategy with a codec that cannot concatenate), with what is used instead;
 *   <li>probe settings of the map-side combiner while the probe is off ({@code mapSide} is not
 *       {@code auto}).
 * </ul>
 *
 * A forced strategy on a shuffle that takes the object path is known only when the shuffle
 * registers: {@link #forcedStrategyOnObjectPath}.
 */
public final class ConfigWarnings {
  private ConfigWarnings() {}

  static final String PREFIX = "spark.spillway.";

  /** Every warning for {@code conf}, in a stable order (unknown keys sorted by name first). */
  public static List<String> of(SparkConf conf) {
    List<String> warnings = new ArrayList<>(unknownKeys(conf));
    warnings.addAll(forcedMergeStrategy(conf));
    warnings.addAll(probeWithoutAuto(conf));
    return warnings;
  }

  /** One warning per {@code spark.spillway.*} key that is not in {@link SpillwayConfig}. */
  static List<String> unknownKeys(SparkConf conf) {
    List<String> unknown = new ArrayList<>();
    for (Tuple2<String, String> setting : conf.getAll()) {
      String key = setting._1();
      if (key.startsWith(PREFIX) && SpillwayConfig.entry(key) == null) {
        unknown.add(key);
      }
    }
    unknown.sort(null);
    List<String> warnings = new ArrayList<>();
    for (String key : unknown) {
      warnings.add(
          "Unknown setting "
              + key
              + " is ignored; the nearest Spillway setting is "
              + nearestKey(key));
    }
    return warnings;
  }

  private static List<String> forcedMergeStrategy(SparkConf conf) {
    MergeStrategyOption forced = SpillwayConfig.MERGE_STRATEGY.read(conf);
    if (forced == MergeStrategyOption.AUTO || forced == MergeStrategyOption.SLOW) {
      return List.of();
    }
    String setting = SpillwayConfig.MERGE_STRATEGY.key() + "=" + forced.configValue();
    // the same rules as write.merge.MergePlan, which decides per map task
    if (forced == MergeStrategyOption.COMPRESS) {
      if (!conf.getBoolean("spark.shuffle.compress", true)
          || conf.getBoolean("spark.io.encryption.enabled", false)) {
        return List.of(
            setting
                + " cannot apply: uncompressed spills need"
                + " spark.shuffle.compress=true and spark.io.encryption.enabled=false, so spills are"
                + " merged as with "
                + MergeStrategyOption.AUTO.configValue());
      }
      return List.of();
    }
    if (!ShuffleCodec.fromSparkConf(conf).concatenates()) {
      return List.of(
          setting
              + " cannot apply: the codec "
              + conf.get("spark.io.compression.codec", "lz4")
              + " cannot concatenate compressed"
              + " streams, so spills are merged by "
              + MergeStrategyOption.SLOW.configValue()
              + " (decompress and recompress)");
    }
    if (forced == MergeStrategyOption.TRANSFER_TO
        && conf.getBoolean("spark.io.encryption.enabled", false)) {
      return List.of(
          setting
              + " cannot apply: with spark.io.encryption.enabled=true each"
              + " partition must be re-encrypted, so spills are merged by "
              + MergeStrategyOption.FILE_STREAM.configValue());
    }
    return List.of();
  }

  private static List<String> probeWithoutAuto(SparkConf conf) {
    MapSideCombineOption mode = SpillwayConfig.COMBINE_MAP_SIDE.read(conf);
    if (mode == MapSideCombineOption.AUTO) {
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    for (ConfigEntry<?> probe :
        List.of(SpillwayConfig.COMBINE_PROBE_RECORDS, SpillwayConfig.COMBINE_SKIP_RATIO)) {
      if (conf.contains(probe.key())) {
        warnings.add(
            probe.key()
                + " has no effect: "
                + SpillwayConfig.COMBINE_MAP_SIDE.key()
                + "="
                + mode.configValue()
                + " runs no probe (only "
                + MapSideCombineOption.AUTO.configValue()
                + " does)");
      }
    }
    return warnings;
  }

  /**
   * The warning for a shuffle whose serializer cannot relocate records (Java serialization, Kryo
   * without auto-reset) or that has more partitions than the serialized path addresses, when a
   * merge strategy is forced: such spills are merged by decoding and re-serializing records, the
   * {@code slow} strategy, whatever was asked. Empty when nothing is forced.
   */
  public static java.util.Optional<String> forcedStrategyOnObjectPath(
      SparkConf conf, int shuffleId, String why) {
    return forcedStrategyIgnored(
        conf,
        shuffleId,
        why,
        "its records are buffered as objects and"
            + " its spills merged by "
            + MergeStrategyOption.SLOW.configValue()
            + " (decoded and re-serialized)");
  }

  /**
   * The same for a shuffle that writes a serialization stream per partition: its spills are
   * pieces of those streams, merged by compressing each partition's pieces once.
   */
  public static java.util.Optional<String> forcedStrategyOnPartitionStreams(
      SparkConf conf, int shuffleId, String why) {
    if (SpillwayConfig.MERGE_STRATEGY.read(conf) == MergeStrategyOption.COMPRESS) {
      return java.util.Optional.empty(); // what it does anyway
    }
    return forcedStrategyIgnored(
        conf,
        shuffleId,
        why,
        "its records are written as one stream"
            + " per partition and its spills compressed once per partition at the merge");
  }

  private static java.util.Optional<String> forcedStrategyIgnored(
      SparkConf conf, int shuffleId, String why, String whatHappens) {
    MergeStrategyOption forced = SpillwayConfig.MERGE_STRATEGY.read(conf);
    if (forced == MergeStrategyOption.AUTO || forced == MergeStrategyOption.SLOW) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        SpillwayConfig.MERGE_STRATEGY.key()
            + "="
            + forced.configValue()
            + " cannot apply to shuffle "
            + shuffleId
            + " ("
            + why
            + "): "
            + whatHappens
            + "; later shuffles like it are not reported again");
  }

  /** The {@link SpillwayConfig} key nearest to {@code key} by edit distance (ties: first). */
  static String nearestKey(String key) {
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (ConfigEntry<?> entry : SpillwayConfig.ALL_ENTRIES) {
      int distance =
          editDistance(
              key.toLowerCase(java.util.Locale.ROOT),
              entry.key().toLowerCase(java.util.Locale.ROOT));
      if (distance < best) {
        best = distance;
        nearest = entry.key();
      }
    }
    return nearest;
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
