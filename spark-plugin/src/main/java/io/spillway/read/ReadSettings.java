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
package io.spillway.read;

import io.spillway.combine.MergerSettings;
import io.spillway.config.ShuffleCodec;
import io.spillway.config.SpillwayConfig;
import io.spillway.spark.SparkBlockFetch;
import org.apache.spark.SparkConf;

/**
 * The reduce side's settings, read once: Spark's fetch settings (read with Spark's own config
 * entries, {@link SparkBlockFetch.Settings}), what follows from them for the block format, and
 * Spillway's combiner and heuristic settings.
 *
 * @param fetch Spark's block fetcher settings
 * @param batchFetchPossible whether contiguous partitions of one map output may be fetched as
 *     one block (the codec concatenates, no old fetch protocol, no IO encryption)
 * @param codec {@code spark.shuffle.compress} and what the codec allows ({@link ShuffleCodec})
 * @param groupByKeyDetection {@code spark.spillway.read.groupByKeyDetection}
 * @param sortKeyPrefixes {@code spark.spillway.sort.keyPrefixes}
 * @param mergerSettings the combiners' settings
 */
record ReadSettings(
    SparkBlockFetch.Settings fetch,
    boolean batchFetchPossible,
    ShuffleCodec codec,
    boolean groupByKeyDetection,
    boolean sortKeyPrefixes,
    MergerSettings mergerSettings) {

  /** Fewest open files an external sort works with: two runs in, one out. */
  static final int MIN_SORT_OPEN_FILES = 3;

  static ReadSettings fromSparkConf(SparkConf conf) {
    SparkBlockFetch.Settings fetch = SparkBlockFetch.Settings.fromSparkConf(conf);
    ShuffleCodec codec = ShuffleCodec.fromSparkConf(conf);
    boolean concatenates = codec.concatenates();
    // SPARK-34790: batch fetch cannot be combined with IO encryption
    boolean batchFetchPossible =
        concatenates && !fetch.useOldFetchProtocol() && !fetch.ioEncryption();
    return new ReadSettings(
        fetch,
        batchFetchPossible,
        codec,
        SpillwayConfig.READ_GROUP_BY_KEY_DETECTION.read(conf),
        SpillwayConfig.SORT_KEY_PREFIXES.read(conf),
        mergerSettings(conf));
  }

  /**
   * {@code spark.spillway.merger.*}, {@code spark.spillway.merge.maxOpenFiles}, {@code
   * spark.shuffle.file.buffer} and {@code
   * spark.shuffle.spill.numElementsForceSpillThreshold}. The external sort needs at least 3 open
   * files (two runs merged into a third), while the map side's merge works with 2, so the shared key is raised to 3
   * here rather than rejected.
   */
  static MergerSettings mergerSettings(SparkConf conf) {
    return MergerSettings.defaults()
        .withNumSpillPartitions(SpillwayConfig.MERGER_PARTITIONS.read(conf))
        .withMaxTotalPartitions(SpillwayConfig.MERGER_MAX_TOTAL_PARTITIONS.read(conf))
        .withMaxOpenFiles(
            Math.max(MIN_SORT_OPEN_FILES, SpillwayConfig.MERGE_MAX_OPEN_FILES.read(conf)))
        .withFileBufferBytes((int) conf.getSizeAsKb("spark.shuffle.file.buffer", "32k") * 1024)
        .withForceSpillRecords(
            Math.max(
                1,
                conf.getLong(
                    "spark.shuffle.spill.numElementsForceSpillThreshold", Integer.MAX_VALUE)));
  }
}
