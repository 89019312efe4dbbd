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

import java.util.List;
import org.apache.spark.SparkConf;

/**
 * Every {@code spark.spillway.*} setting, in one place. The configuration tables of
 * {@code docs/configuration.md} and {@code conf/spark-defaults.conf.template} are generated from
 * {@link #ALL_ENTRIES} ({@code ConfigDocs}; a test fails when they differ). Spark's own shuffle
 * keys keep their meaning and are read by {@link WriteSettings}, {@link MapSideCombineSettings}
 * and the reader's settings.
 */
public final class SpillwayConfig {
  private SpillwayConfig() {}

  public static final ConfigEntry<MergeStrategyOption> MERGE_STRATEGY =
      new ConfigEntry<>(
          "spark.spillway.merge.strategy",
          "auto",
          "-",
          MergeStrategyOption.allowedValues(),
          "How spill files are merged into the map output. `auto` picks with Spark's conditions:"
              + " `transferTo` when fast merge is on, the codec concatenates and IO encryption is off;"
              + " `fileStream` when fast merge is possible but transferTo is off or encryption is on;"
              + " `slow` (decompress and recompress) otherwise; and `compress` when a spill's average"
              + " partition segment is below 16 KiB (compression on, encryption off): spills are"
              + " written uncompressed and each partition is compressed once at the merge. The others"
              + " force one (the spill format with it), for tests and benchmarks; a forced fast"
              + " strategy falls back to `slow` when the codec cannot concatenate streams,"
              + " `transferTo` falls back to `fileStream` under encryption, and `compress` to `auto`"
              + " without compression or under encryption (a WARN at start-up says so). A serializer"
              + " that cannot relocate records (such as Java serialization) is not affected: with at"
              + " most `spark.shuffle.sort.bypassMergeThreshold` partitions its spills are pieces of"
              + " one stream per partition, compressed once at the merge; with more, or under IO"
              + " encryption, it takes the object path, which merges by re-serializing.",
          MergeStrategyOption::fromConfigValue);

  public static final ConfigEntry<Integer> MERGE_MAX_OPEN_FILES =
      new ConfigEntry<>(
          "spark.spillway.merge.maxOpenFiles",
          "64",
          "files",
          "an integer from 2 to 65536",
          "Most spill files a map task keeps open while merging. More spills are merged in rounds"
              + " of this many into intermediate spill files first. The reduce side's external sorts"
              + " use it too (at least 3 there: two runs merged into one).",
          raw -> intInRange(raw, 2, 65536));

  /** Largest {@link #MERGER_PARTITIONS}: a spill's segment table stays small. */
  public static final int MAX_MERGER_PARTITIONS = 1 << 16;

  public static final ConfigEntry<Integer> MERGER_PARTITIONS =
      new ConfigEntry<>(
          "spark.spillway.merger.partitions",
          "64",
          "partitions",
          "an integer from 2 to " + MAX_MERGER_PARTITIONS,
          "Hash partitions a reduce-side combiner (aggregation, `groupByKey`) splits its data into when"
              + " it first runs out of memory; each partition is later merged on its own, and one that"
              + " still does not fit is split again with a new hash seed.",
          raw -> intInRange(raw, 2, MAX_MERGER_PARTITIONS));

  public static final ConfigEntry<Integer> MERGER_MAX_TOTAL_PARTITIONS =
      new ConfigEntry<>(
          "spark.spillway.merger.maxTotalPartitions",
          "4096",
          "partitions",
          "an integer from 2 to 1073741824, at least spark.spillway.merger.partitions",
          "Cap on the partitions recursive re-splitting may create (partitions, partitions², ...)."
              + " A partition whose split would pass it is merged by an external sort instead.",
          raw -> intInRange(raw, 2, 1 << 30));

  public static final ConfigEntry<MapSideCombineOption> COMBINE_MAP_SIDE =
      new ConfigEntry<>(
          "spark.spillway.combine.mapSide",
          "auto",
          "-",
          MapSideCombineOption.allowedValues(),
          "Map-side combine of shuffles that ask for it (`reduceByKey`, `aggregateByKey`,"
              + " `combineByKey`, `foldByKey`, `distinct`). `auto` combines and stops when a probe"
              + " shows it does not reduce the records; `always` combines every record; `never` sends"
              + " every record as its own combiner and leaves all combining to the reducer. When"
              + " memory runs short, partial combiners are flushed into the map output (the reducer"
              + " merges them), never spilled.",
          MapSideCombineOption::fromConfigValue);

  public static final ConfigEntry<Integer> COMBINE_PROBE_RECORDS =
      new ConfigEntry<>(
          "spark.spillway.combine.probeRecords",
          "100000",
          "records",
          "an integer from 1 to 2147483647",
          "With `spark.spillway.combine.mapSide=auto`: records a map task combines before it compares"
              + " the combiners it created with the records it read.",
          raw -> intInRange(raw, 1, Integer.MAX_VALUE));

  public static final ConfigEntry<Double> COMBINE_SKIP_RATIO =
      new ConfigEntry<>(
          "spark.spillway.combine.skipRatio",
          "0.8",
          "combiners per record",
          "a number from 0 to 1",
          "With `spark.spillway.combine.mapSide=auto`: when combiners created / records read is"
              + " above this after the probe, the task flushes what it combined and sends the"
              + " remaining records uncombined. 1 never stops combining.",
          raw -> doubleInRange(raw, 0.0, 1.0));

  public static final ConfigEntry<Long> READ_INDEX_CACHE_SIZE =
      new ConfigEntry<>(
          "spark.spillway.read.indexCacheSize",
          "32m",
          "bytes",
          "a size from 0 to 1g (0 turns the cache off)",
          "Index files of local map outputs an executor keeps in memory (8 bytes per reduce"
              + " partition of each map output), so serving a block does not open and read the index"
              + " file again: with 20,000 partitions that was most of a reducer's time. Least recently"
              + " used outputs are dropped first; an output's entry goes when the output is removed.",
          raw -> sizeInRange(raw, 0, 1L << 30));

  public static final ConfigEntry<Boolean> READ_GROUP_BY_KEY_DETECTION =
      new ConfigEntry<>(
          "spark.spillway.read.groupByKeyDetection",
          "true",
          "-",
          "true, false",
          "Whether the reducer recognises Spark's own groupByKey (its createCombiner is a"
              + " PairRDDFunctions lambda returning Spark's CompactBuffer) and groups each key's"
              + " values into a list that spills to disk. false runs groupByKey's functions like any"
              + " aggregation, as Spark does: one in-memory buffer per key.",
          SpillwayConfig::bool);

  public static final ConfigEntry<Boolean> SORT_KEY_PREFIXES =
      new ConfigEntry<>(
          "spark.spillway.sort.keyPrefixes",
          "true",
          "-",
          "true, false",
          "Whether the reducer recognises the natural order of String, Long and Integer keys (Scala's"
              + " Ordering.String/Long/Int, Java's naturalOrder, Spark's shaded Guava natural order"
              + " inside Scala's comparator wrapper, and their reverses) and sorts by 64-bit key"
              + " prefixes. false calls the ordering for every comparison.",
          SpillwayConfig::bool);

  public static final List<ConfigEntry<?>> ALL_ENTRIES =
      List.of(
          MERGE_STRATEGY,
          MERGE_MAX_OPEN_FILES,
          MERGER_PARTITIONS,
          MERGER_MAX_TOTAL_PARTITIONS,
          COMBINE_MAP_SIDE,
          COMBINE_PROBE_RECORDS,
          COMBINE_SKIP_RATIO,
          READ_INDEX_CACHE_SIZE,
          READ_GROUP_BY_KEY_DETECTION,
          SORT_KEY_PREFIXES);

  /** The entry with this key, or null. */
  public static ConfigEntry<?> entry(String key) {
    for (ConfigEntry<?> entry : ALL_ENTRIES) {
      if (entry.key().equals(key)) {
        return entry;
      }
    }
    return null;
  }

  /**
   * Every Spillway setting in effect, in the configuration's own words, for the start-up line:
   * {@code spark.spillway.merge.strategy=auto, spark.spillway.merge.maxOpenFiles=8 (set), ...}.
   * Values are as written (trimmed) or the default; "(set)" marks the ones the application set.
   * Call after {@link #validate}, so every value shown is one Spillway accepts.
   */
  public static String describe(SparkConf conf) {
    StringBuilder line = new StringBuilder();
    for (ConfigEntry<?> entry : ALL_ENTRIES) {
      if (line.length() > 0) {
        line.append(", ");
      }
      boolean set = conf.contains(entry.key());
      line.append(entry.key())
          .append('=')
          .append(set ? conf.get(entry.key()).trim() : entry.defaultValue());
      if (set) {
        line.append(" (set)");
      }
    }
    return line.toString();
  }

  /**
   * Reads every entry once, and checks the entries that constrain each other, so that a bad value
   * fails at start-up rather than in a task.
   */
  public static void validate(SparkConf conf) {
    for (ConfigEntry<?> entry : ALL_ENTRIES) {
      entry.read(conf);
    }
    int partitions = MERGER_PARTITIONS.read(conf);
    int maxTotalPartitions = MERGER_MAX_TOTAL_PARTITIONS.read(conf);
    if (maxTotalPartitions < partitions) {
      throw new IllegalArgumentException(
          "Invalid value '"
              + maxTotalPartitions
              + "' for "
              + MERGER_MAX_TOTAL_PARTITIONS.key()
              + ": must be at least "
              + MERGER_PARTITIONS.key()
              + " ("
              + partitions
              + ")");
    }
  }

  static double doubleInRange(String raw, double min, double max) {
    double value = Double.parseDouble(raw);
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(value + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }

  static long sizeInRange(String raw, long min, long max) {
    long value = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(raw);
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " bytes is outside [" + min + ", " + max + "]");
    }
    return value;
  }

  /** Like Spark's own boolean settings: true or false, in any case. */
  static boolean bool(String raw) {
    if (raw.equalsIgnoreCase("true")) {
      return true;
    } else if (raw.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(raw + " is neither true nor false");
  }

  static int intInRange(String raw, int min, int max) {
    int value = Integer.parseInt(raw);
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }
}
