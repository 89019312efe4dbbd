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
package io.spillway.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Spark's fetch settings are read with Spark's own entries: Spark's defaults and units. */
class SparkBlockFetchTest {

  @Test
  void settingsHaveSparksDefaultsAndUnits() {
    SparkBlockFetch.Settings defaults =
        SparkBlockFetch.Settings.fromSparkConf(new SparkConf(false));
    assertEquals(48L * 1024 * 1024, defaults.maxBytesInFlight());
    assertEquals(Integer.MAX_VALUE, defaults.maxRequestsInFlight());
    assertEquals(true, defaults.detectCorrupt());
    assertEquals(true, defaults.compress());
    assertEquals(false, defaults.ioEncryption());
    assertEquals(false, defaults.useOldFetchProtocol());

    SparkBlockFetch.Settings set =
        SparkBlockFetch.Settings.fromSparkConf(
            new SparkConf(false)
                .set("spark.reducer.maxSizeInFlight", "1m")
                .set("spark.shuffle.compress", "false")
                .set("spark.io.encryption.enabled", "true")
                .set("spark.shuffle.checksum.algorithm", "CRC32"));
    assertEquals(1024L * 1024, set.maxBytesInFlight());
    assertEquals(false, set.compress());
    assertEquals(true, set.ioEncryption());
    assertEquals("CRC32", set.checksumAlgorithm());
  }
}
