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

import org.apache.spark.SparkConf;

/**
 * The map side's settings, read once from the {@link SparkConf} and passed down as values:
 * Spark's own shuffle keys with their Spark meaning, plus Spillway's merge keys.
 *
 * @param fileBufferSizeBytes {@code spark.shuffle.file.buffer}: buffer between a spill or output
 *     stream and its file
 * @param diskWriteBufferSizeBytes {@code spark.shuffle.spill.diskWriteBufferSize}: staging buffer
 *     that record bytes are copied through from memory pages to a stream (the record stores
 *     allocate at most 256 KiB of it, so that it is never a humongous object for G1)
 * @param initialPointerSlots {@code spark.shuffle.sort.initialBufferSize}: records the pointer
 *     array holds before it first grows
 * @param forceSpillRecords {@code spark.shuffle.spill.numElementsForceSpillThreshold}
 * @param forceSpillBytes {@code spark.shuffle.spill.maxSizeInBytesForSpillThreshold}
 * @param transferToEnabled {@code spark.file.transferTo}
 * @param fastMergeEnabled {@code spark.shuffle.unsafe.fastMergeEnabled}
 * @param codec {@code spark.shuffle.compress} and what the codec allows ({@link ShuffleCodec})
 * @param checksumEnabled {@code spark.shuffle.checksum.enabled}
 * @param checksumAlgorithm {@code spark.shuffle.checksum.algorithm}
 * @param mergeStrategy {@code spark.spillway.merge.strategy}
 * @param maxOpenFiles {@code spark.spillway.merge.maxOpenFiles}
 * @param bypassMergeThreshold {@code spark.shuffle.sort.bypassMergeThreshold}: the most
 *     partitions a shuffle whose serializer cannot relocate records writes with a stream per
 *     partition ({@code io.spillway.WritePath#PARTITION_STREAMS})
 */
public record WriteSettings(
    int fileBufferSizeBytes,
    int diskWriteBufferSizeBytes,
    int initialPointerSlots,
    long forceSpillRecords,
    long forceSpillBytes,
    boolean transferToEnabled,
    boolean fastMergeEnabled,
    ShuffleCodec codec,
    boolean checksumEnabled,
    String checksumAlgorithm,
    MergeStrategyOption mergeStrategy,
    int maxOpenFiles,
    int bypassMergeThreshold) {

  public static WriteSettings fromSparkConf(SparkConf conf) {
    return new WriteSettings(
        (int) conf.getSizeAsKb("spark.shuffle.file.buffer", "32k") * 1024,
        (int) conf.getSizeAsBytes("spark.shuffle.spill.diskWriteBufferSize", "1m"),
        Math.max(1, conf.getInt("spark.shuffle.sort.initialBufferSize", 4096)),
        conf.getLong("spark.shuffle.spill.numElementsForceSpillThreshold", Integer.MAX_VALUE),
        conf.getSizeAsBytes(
            "spark.shuffle.spill.maxSizeInBytesForSpillThreshold", String.valueOf(Long.MAX_VALUE)),
        conf.getBoolean("spark.file.transferTo", true),
        conf.getBoolean("spark.shuffle.unsafe.fastMergeEnabled", true),
        ShuffleCodec.fromSparkConf(conf),
        conf.getBoolean("spark.shuffle.checksum.enabled", true),
        conf.get("spark.shuffle.checksum.algorithm", "ADLER32"),
        SpillwayConfig.MERGE_STRATEGY.read(conf),
        SpillwayConfig.MERGE_MAX_OPEN_FILES.read(conf),
        conf.getInt("spark.shuffle.sort.bypassMergeThreshold", 200));
  }

  /** A copy with another merge strategy (tests and benchmarks). */
  public WriteSettings withMergeStrategy(MergeStrategyOption option) {
    return new WriteSettings(
        fileBufferSizeBytes,
        diskWriteBufferSizeBytes,
        initialPointerSlots,
        forceSpillRecords,
        forceSpillBytes,
        transferToEnabled,
        fastMergeEnabled,
        codec,
        checksumEnabled,
        checksumAlgorithm,
        option,
        maxOpenFiles,
        bypassMergeThreshold);
  }

  /** A copy with another bound on open spill files (tests). */
  public WriteSettings withMaxOpenFiles(int files) {
    return new WriteSettings(
        fileBufferSizeBytes,
        diskWriteBufferSizeBytes,
        initialPointerSlots,
        forceSpillRecords,
        forceSpillBytes,
        transferToEnabled,
        fastMergeEnabled,
        codec,
        checksumEnabled,
        checksumAlgorithm,
        mergeStrategy,
        files,
        bypassMergeThreshold);
  }
}
