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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class ConfigWarningsTest {

  @Test
  void defaultsAndCorrectKeysWarnOfNothing() {
    assertEquals(List.of(), ConfigWarnings.of(new SparkConf(false)));
    SparkConf conf = new SparkConf(false);
    for (ConfigEntry<?> entry : SpillwayConfig.ALL_ENTRIES) {
      conf.set(entry.key(), entry.defaultValue());
    }
    assertEquals(List.of(), ConfigWarnings.of(conf));
  }

  @Test
  void misspelledKeyIsNamedWithTheNearestRealKey() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.spillway.merge.maxOpenFile", "8")
            .set("spark.spillway.read.indexcachesize", "1m");
    assertEquals(
        List.of(
            "Unknown setting spark.spillway.merge.maxOpenFile is ignored; the nearest Spillway"
                + " setting is spark.spillway.merge.maxOpenFiles",
            "Unknown setting spark.spillway.read.indexcachesize is ignored; the nearest Spillway"
                + " setting is spark.spillway.read.indexCacheSize"),
        ConfigWarnings.of(conf));
  }

  @Test
  void nearestKeyPicksTheSmallestEditDistance() {
    assertEquals(
        "spark.spillway.merger.partitions",
        ConfigWarnings.nearestKey("spark.spillway.merger.partition"));
    assertEquals(
        "spark.spillway.merge.strategy",
        ConfigWarnings.nearestKey("spark.spillway.merge.stratgey"));
    assertEquals(
        "spark.spillway.combine.skipRatio",
        ConfigWarnings.nearestKey("spark.spillway.combine.skip"));
  }

  @Test
  void editDistanceCountsSingleCharacterEdits() {
    assertEquals(0, ConfigWarnings.editDistance("abc", "abc"));
    assertEquals(3, ConfigWarnings.editDistance("", "abc"));
    assertEquals(1, ConfigWarnings.editDistance("abc", "abd"));
    assertEquals(1, ConfigWarnings.editDistance("abc", "abxc"));
    assertEquals(3, ConfigWarnings.editDistance("kitten", "sitting"));
  }

  @Test
  void transferToUnderEncryptionSaysFileStreamIsUsed() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.spillway.merge.strategy", "transferTo")
            .set("spark.io.encryption.enabled", "true");
    assertEquals(
        List.of(
            "spark.spillway.merge.strategy=transferTo cannot apply: with"
                + " spark.io.encryption.enabled=true each partition must be re-encrypted, so spills are"
                + " merged by fileStream"),
        ConfigWarnings.of(conf));
    // fileStream re-encrypts: it applies
    assertEquals(
        List.of(), ConfigWarnings.of(conf.set("spark.spillway.merge.strategy", "fileStream")));
  }

  @Test
  void compressWithoutCompressionOrUnderEncryptionSaysAutoIsUsed() {
    String expected =
        "spark.spillway.merge.strategy=compress cannot apply: uncompressed spills"
            + " need spark.shuffle.compress=true and spark.io.encryption.enabled=false, so spills are"
            + " merged as with auto";
    SparkConf conf = new SparkConf(false).set("spark.spillway.merge.strategy", "compress");
    assertEquals(List.of(), ConfigWarnings.of(conf));
    // compress concatenates uncompressed bytes: a codec that cannot concatenate is no obstacle
    assertEquals(
        List.of(),
        ConfigWarnings.of(
            conf.clone().set("spark.io.compression.codec", NonConcatenatingCodec.class.getName())));
    assertEquals(
        List.of(expected), ConfigWarnings.of(conf.clone().set("spark.shuffle.compress", "false")));
    assertEquals(
        List.of(expected),
        ConfigWarnings.of(conf.clone().set("spark.io.encryption.enabled", "true")));
  }

  @Test
  void concatenatingStrategyWithACodecThatCannotConcatenateSaysSlowIsUsed() {
    // zstd concatenates; Spark's lz4, lzf, snappy and zstd all do, so a test codec stands in
    SparkConf conf =
        new SparkConf(false)
            .set("spark.spillway.merge.strategy", "fileStream")
            .set("spark.io.compression.codec", NonConcatenatingCodec.class.getName());
    List<String> warnings = ConfigWarnings.of(conf);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings
            .get(0)
            .startsWith(
                "spark.spillway.merge.strategy=fileStream cannot apply:"
                    + " the codec "
                    + NonConcatenatingCodec.class.getName()),
        warnings.get(0));
    assertTrue(
        warnings.get(0).endsWith("merged by slow (decompress and recompress)"), warnings.get(0));
    // without compression there is nothing to concatenate wrongly
    assertEquals(List.of(), ConfigWarnings.of(conf.set("spark.shuffle.compress", "false")));
  }

  @Test
  void probeSettingsWithoutTheProbeSayTheyHaveNoEffect() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.spillway.combine.mapSide", "always")
            .set("spark.spillway.combine.skipRatio", "0.5");
    assertEquals(
        List.of(
            "spark.spillway.combine.skipRatio has no effect:"
                + " spark.spillway.combine.mapSide=always runs no probe (only auto does)"),
        ConfigWarnings.of(conf));
    assertEquals(List.of(), ConfigWarnings.of(conf.set("spark.spillway.combine.mapSide", "auto")));
  }

  @Test
  void forcedStrategyOnTheObjectPathSaysSlowIsUsed() {
    SparkConf forced = new SparkConf(false).set("spark.spillway.merge.strategy", "transferTo");
    assertEquals(
        "spark.spillway.merge.strategy=transferTo cannot apply to shuffle 3 (why): its"
            + " records are buffered as objects and its spills merged by slow (decoded and"
            + " re-serialized); later shuffles like it are not reported again",
        ConfigWarnings.forcedStrategyOnObjectPath(forced, 3, "why").orElseThrow());
    assertTrue(ConfigWarnings.forcedStrategyOnObjectPath(new SparkConf(false), 3, "why").isEmpty());
  }

  @Test
  void forcedStrategyOnPartitionStreamsSaysTheyAreCompressedOnce() {
    SparkConf forced = new SparkConf(false).set("spark.spillway.merge.strategy", "fileStream");
    assertEquals(
        "spark.spillway.merge.strategy=fileStream cannot apply to shuffle 4 (why): its"
            + " records are written as one stream per partition and its spills compressed once per"
            + " partition at the merge; later shuffles like it are not reported again",
        ConfigWarnings.forcedStrategyOnPartitionStreams(forced, 4, "why").orElseThrow());
    assertTrue(
        ConfigWarnings.forcedStrategyOnPartitionStreams(
                new SparkConf(false).set("spark.spillway.merge.strategy", "slow"), 4, "why")
            .isEmpty());
    assertTrue(
        ConfigWarnings.forcedStrategyOnPartitionStreams(
                new SparkConf(false).set("spark.spillway.merge.strategy", "compress"), 4, "why")
            .isEmpty());
  }

  @Test
  void startUpLineListsEverySettingInTheConfigsWords() {
    SparkConf conf = new SparkConf(false).set("spark.spillway.merge.maxOpenFiles", " 8 ");
    String line = SpillwayConfig.describe(conf);
    for (ConfigEntry<?> entry : SpillwayConfig.ALL_ENTRIES) {
      String expected =
          entry.key()
              + "="
              + (entry == SpillwayConfig.MERGE_MAX_OPEN_FILES ? "8 (set)" : entry.defaultValue());
      assertTrue(line.contains(expected), line + " lacks " + expected);
    }
    assertTrue(line.startsWith("spark.spillway.merge.strategy=auto, "), line);
  }
}
