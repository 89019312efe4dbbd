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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SpillwayConfigTest {

  @Test
  void defaultsApplyWhenKeysAreAbsent() {
    SparkConf conf = new SparkConf(false);
    assertEquals(MergeStrategyOption.AUTO, SpillwayConfig.MERGE_STRATEGY.read(conf));
    assertEquals(64, SpillwayConfig.MERGE_MAX_OPEN_FILES.read(conf));
  }

  @Test
  void everyMergeStrategyValueParses() {
    for (MergeStrategyOption option : MergeStrategyOption.values()) {
      SparkConf conf =
          new SparkConf(false).set("spark.spillway.merge.strategy", option.configValue());
      assertEquals(option, SpillwayConfig.MERGE_STRATEGY.read(conf));
    }
  }

  @Test
  void unknownStrategyNamesKeyValueAndAllowedValues() {
    SparkConf conf = new SparkConf(false).set("spark.spillway.merge.strategy", "bogus");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SpillwayConfig.validate(conf));
    assertEquals(
        "Invalid value 'bogus' for spark.spillway.merge.strategy: allowed values are"
            + " auto, transferTo, fileStream, slow, compress",
        e.getMessage());
  }

  @Test
  void indexCacheSizeTakesSizesAndRejectsTheRest() {
    assertEquals(32L << 20, SpillwayConfig.READ_INDEX_CACHE_SIZE.read(new SparkConf(false)));
    assertEquals(
        0L,
        SpillwayConfig.READ_INDEX_CACHE_SIZE.read(
            new SparkConf(false).set("spark.spillway.read.indexCacheSize", "0")));
    assertEquals(
        512L << 10,
        SpillwayConfig.READ_INDEX_CACHE_SIZE.read(
            new SparkConf(false).set("spark.spillway.read.indexCacheSize", "512k")));
    for (String bad : new String[] {"-1", "2g", "lots"}) {
      assertRejected("spark.spillway.read.indexCacheSize", bad, "from 0 to 1g");
    }
  }

  @Test
  void maxOpenFilesOutOfRangeOrNotANumberIsRejected() {
    for (String bad : new String[] {"1", "0", "-3", "65537", "many"}) {
      assertRejected("spark.spillway.merge.maxOpenFiles", bad, "from 2 to 65536");
    }
  }

  @Test
  void heuristicSwitchesTakeTrueOrFalseOnly() {
    for (ConfigEntry<Boolean> entry :
        List.of(SpillwayConfig.READ_GROUP_BY_KEY_DETECTION, SpillwayConfig.SORT_KEY_PREFIXES)) {
      assertEquals(true, entry.read(new SparkConf(false)));
      assertEquals(false, entry.read(new SparkConf(false).set(entry.key(), "false")));
      assertEquals(true, entry.read(new SparkConf(false).set(entry.key(), " TRUE ")));
      for (String bad : new String[] {"yes", "0", "off", ""}) {
        assertRejected(entry.key(), bad, "true, false");
      }
    }
  }

  /** Validation fails with a message naming the value, the key and what is allowed. */
  private static void assertRejected(String key, String bad, String allowed) {
    SparkConf conf = new SparkConf(false).set(key, bad);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SpillwayConfig.validate(conf));
    assertTrue(e.getMessage().contains("'" + bad + "' for " + key), e.getMessage());
    assertTrue(e.getMessage().contains(allowed), e.getMessage());
  }
}
