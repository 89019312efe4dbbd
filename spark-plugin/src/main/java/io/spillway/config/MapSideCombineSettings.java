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
 * Settings of the map-side combiner, read once per executor.
 *
 * @param mode {@code spark.spillway.combine.mapSide}
 * @param probeRecords {@code spark.spillway.combine.probeRecords}: records after which
 *     {@link MapSideCombineOption#AUTO} decides whether combining pays
 * @param skipRatio {@code spark.spillway.combine.skipRatio}: combiners created per record above
 *     which combining stops
 * @param forceFlushRecords {@code spark.shuffle.spill.numElementsForceSpillThreshold}: combiners
 *     held at which the map is flushed even if memory is left (Spark's meaning for its own
 *     map-side combiner)
 */
public record MapSideCombineSettings(
    MapSideCombineOption mode, int probeRecords, double skipRatio, long forceFlushRecords) {

  public MapSideCombineSettings {
    if (probeRecords < 1) {
      throw new IllegalArgumentException("probeRecords must be at least 1, got " + probeRecords);
    }
    if (!(skipRatio >= 0.0 && skipRatio <= 1.0)) {
      throw new IllegalArgumentException("skipRatio must be in [0, 1], got " + skipRatio);
    }
    if (forceFlushRecords < 1) {
      throw new IllegalArgumentException(
          "forceFlushRecords must be at least 1, got " + forceFlushRecords);
    }
  }

  public static MapSideCombineSettings fromSparkConf(SparkConf conf) {
    return new MapSideCombineSettings(
        SpillwayConfig.COMBINE_MAP_SIDE.read(conf),
        SpillwayConfig.COMBINE_PROBE_RECORDS.read(conf),
        SpillwayConfig.COMBINE_SKIP_RATIO.read(conf),
        Math.max(
            1,
            conf.getLong("spark.shuffle.spill.numElementsForceSpillThreshold", Integer.MAX_VALUE)));
  }

  /** The defaults of every key (tests). */
  public static MapSideCombineSettings defaults() {
    return fromSparkConf(new SparkConf(false));
  }
}
