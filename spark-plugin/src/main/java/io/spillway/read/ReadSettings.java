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
import io.spillway.config.SpillwayConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.package$;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;

/**
 * The reduce side's settings, read once: Spark's fetch settings with Spark's own config entries,
 * so that defaults and units are exactly Spark's, and the combiners' settings from Spillway's
 * entries.
 */
/**
 * @param blocksDecoded whether fetched shuffle blocks pass a decompressing or decrypting stream
 *     ({@code spark.shuffle.compress} or {@code spark.io.encryption.enabled})
 */
record ReadSettings(
    long maxBytesInFlight,
    int maxRequestsInFlight,
    int maxBlocksInFlightPerAddress,
    long maxRequestSizeShuffleToMemory,
    int maxAttemptsOnNettyOutOfMemory,
    boolean detectCorrupt,
    boolean detectCorruptUseExtraMemory,
    boolean checksumEnabled,
    String checksumAlgorithm,
    boolean batchFetchPossible,
    boolean blocksDecoded,
    MergerSettings mergerSettings) {

  /** Fewest open files an external sort works with: two runs in, one out. */
  static final int MIN_SORT_OPEN_FILES = 3;

  static ReadSettings fromSparkConf(SparkConf conf) {
    package$ keys = package$.MODULE$;
    boolean compressed = get(conf, keys.SHUFFLE_COMPRESS());
    boolean concatenates = !compressed || CompressionCodec$.MODULE$
        .supportsConcatenationOfSerializedStreams(CompressionCodec.createCodec(conf));
    // SPARK-34790: batch fetch cannot be combined with IO encryption
    boolean batchFetchPossible = concatenates
        && !(Boolean) get(conf, keys.SHUFFLE_USE_OLD_FETCH_PROTOCOL())
        && !(Boolean) get(conf, keys.IO_ENCRYPTION_ENABLED());
    return new ReadSettings(
        (Long) get(conf, keys.REDUCER_MAX_SIZE_IN_FLIGHT()) * 1024 * 1024,
        get(conf, keys.REDUCER_MAX_REQS_IN_FLIGHT()),
        get(conf, keys.REDUCER_MAX_BLOCKS_IN_FLIGHT_PER_ADDRESS()),
        get(conf, keys.MAX_REMOTE_BLOCK_SIZE_FETCH_TO_MEM()),
        get(conf, keys.SHUFFLE_MAX_ATTEMPTS_ON_NETTY_OOM()),
        get(conf, keys.SHUFFLE_DETECT_CORRUPT()),
        get(conf, keys.SHUFFLE_DETECT_CORRUPT_MEMORY()),
        get(conf, keys.SHUFFLE_CHECKSUM_ENABLED()),
        get(conf, keys.SHUFFLE_CHECKSUM_ALGORITHM()),
        batchFetchPossible,
        compressed || (Boolean) get(conf, keys.IO_ENCRYPTION_ENABLED()),
        mergerSettings(conf));
  }

  /**
   * {@code spark.spillway.merger.*}, {@code spark.spillway.merge.maxOpenFiles}, {@code
   * spark.shuffle.file.buffer} and {@code spark.shuffle.spill.numElementsForceSpillThreshold}. The external sort needs at least 3 open files (two runs merged
   * into a third), while the map side's merge works with 2, so the shared key is raised to 3
   * here rather than rejected.
   */
  static MergerSettings mergerSettings(SparkConf conf) {
    return MergerSettings.defaults()
        .withNumSpillPartitions(SpillwayConfig.MERGER_PARTITIONS.read(conf))
        .withMaxTotalPartitions(SpillwayConfig.MERGER_MAX_TOTAL_PARTITIONS.read(conf))
        .withMaxOpenFiles(Math.max(MIN_SORT_OPEN_FILES, SpillwayConfig.MERGE_MAX_OPEN_FILES.read(conf)))
        .withFileBufferBytes((int) conf.getSizeAsKb("spark.shuffle.file.buffer", "32k") * 1024)
        .withForceSpillRecords(Math.max(1,
            conf.getLong("spark.shuffle.spill.numElementsForceSpillThreshold", Integer.MAX_VALUE)));
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(SparkConf conf, ConfigEntry<?> entry) {
    return (T) conf.get(entry);
  }
}
