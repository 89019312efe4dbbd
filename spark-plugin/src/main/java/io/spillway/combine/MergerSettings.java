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
package io.spillway.combine;

import io.spillway.sort.SortSettings;

/**
 * Typed settings of {@link ExternalMerger}, {@link ExternalGroupBy} and {@link ExternalList}. The
 * caller reads configuration once and passes these values; the cores never read
 * {@code SparkConf}.
 *
 * @param numSpillPartitions hash partitions per spill (and per re-partitioning level)
 * @param maxTotalPartitions cap on partitions created by recursive re-partitioning; a partition
 *     whose split would exceed it is merged by sort instead
 * @param maxOpenFiles spill files open at once (bounds the sort fallback's merge fan-in)
 * @param hashSeed seed of the partitioning hash; each recursion level derives its own from it
 * @param listSpillThresholdBytes estimated in-memory bytes after which an {@link ExternalList}
 *     writes its values to disk
 * @param fileBufferBytes buffer of each spill file stream
 * @param forceSpillRecords records a combiner level takes in before it spills even with memory
 *     left ({@code spark.shuffle.spill.numElementsForceSpillThreshold}, Spark's meaning)
 */
public record MergerSettings(
    int numSpillPartitions,
    int maxTotalPartitions,
    int maxOpenFiles,
    long hashSeed,
    long listSpillThresholdBytes,
    int fileBufferBytes,
    long forceSpillRecords)
    implements java.io.Serializable {

  public static final int DEFAULT_NUM_SPILL_PARTITIONS = 64;
  public static final int DEFAULT_MAX_TOTAL_PARTITIONS = 4096;
  public static final int MAX_SPILL_PARTITIONS = 1 << 16;
  public static final long DEFAULT_HASH_SEED = 0x5EED_5EEDL;
  public static final long DEFAULT_LIST_SPILL_THRESHOLD_BYTES = 4L << 20;

  public MergerSettings {
    if (numSpillPartitions < 2 || numSpillPartitions > MAX_SPILL_PARTITIONS) {
      throw new IllegalArgumentException(
          "numSpillPartitions must be in [2, "
              + MAX_SPILL_PARTITIONS
              + "], got "
              + numSpillPartitions);
    }
    if (maxTotalPartitions < numSpillPartitions) {
      throw new IllegalArgumentException(
          "maxTotalPartitions must be at least numSpillPartitions ("
              + numSpillPartitions
              + "), got "
              + maxTotalPartitions);
    }
    if (listSpillThresholdBytes < 1) {
      throw new IllegalArgumentException(
          "listSpillThresholdBytes must be positive, got " + listSpillThresholdBytes);
    }
    if (forceSpillRecords < 1) {
      throw new IllegalArgumentException(
          "forceSpillRecords must be positive, got " + forceSpillRecords);
    }
    // maxOpenFiles and fileBufferBytes are validated by SortSettings, with the same messages.
    new SortSettings(maxOpenFiles, fileBufferBytes);
  }

  public static MergerSettings defaults() {
    return new MergerSettings(
        DEFAULT_NUM_SPILL_PARTITIONS,
        DEFAULT_MAX_TOTAL_PARTITIONS,
        SortSettings.DEFAULT_MAX_OPEN_FILES,
        DEFAULT_HASH_SEED,
        DEFAULT_LIST_SPILL_THRESHOLD_BYTES,
        SortSettings.DEFAULT_FILE_BUFFER_BYTES,
        Long.MAX_VALUE);
  }

  public MergerSettings withNumSpillPartitions(int value) {
    return new MergerSettings(
        value,
        maxTotalPartitions,
        maxOpenFiles,
        hashSeed,
        listSpillThresholdBytes,
        fileBufferBytes,
        forceSpillRecords);
  }

  public MergerSettings withMaxTotalPartitions(int value) {
    return new MergerSettings(
        numSpillPartitions,
        value,
        maxOpenFiles,
        hashSeed,
        listSpillThresholdBytes,
        fileBufferBytes,
        forceSpillRecords);
  }

  public MergerSettings withMaxOpenFiles(int value) {
    return new MergerSettings(
        numSpillPartitions,
        maxTotalPartitions,
        value,
        hashSeed,
        listSpillThresholdBytes,
        fileBufferBytes,
        forceSpillRecords);
  }

  public MergerSettings withHashSeed(long value) {
    return new MergerSettings(
        numSpillPartitions,
        maxTotalPartitions,
        maxOpenFiles,
        value,
        listSpillThresholdBytes,
        fileBufferBytes,
        forceSpillRecords);
  }

  public MergerSettings withListSpillThresholdBytes(long value) {
    return new MergerSettings(
        numSpillPartitions,
        maxTotalPartitions,
        maxOpenFiles,
        hashSeed,
        value,
        fileBufferBytes,
        forceSpillRecords);
  }

  public MergerSettings withFileBufferBytes(int value) {
    return new MergerSettings(
        numSpillPartitions,
        maxTotalPartitions,
        maxOpenFiles,
        hashSeed,
        listSpillThresholdBytes,
        value,
        forceSpillRecords);
  }

  public MergerSettings withForceSpillRecords(long value) {
    return new MergerSettings(
        numSpillPartitions,
        maxTotalPartitions,
        maxOpenFiles,
        hashSeed,
        listSpillThresholdBytes,
        fileBufferBytes,
        value);
  }

  SortSettings sortSettings() {
    return new SortSettings(maxOpenFiles, fileBufferBytes);
  }
}
