package io.spillway.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Spark's fetch settings are read with Spark's own entries: Spark's defaults and units. */
class SparkBlockFetchTest {

  @Test
  void settingsHaveSparksDefaultsAndUnits() {
    SparkBlockFetch.Settings defaults = SparkBlockFetch.Settings.fromSparkConf(new SparkConf(false));
    assertEquals(48L * 1024 * 1024, defaults.maxBytesInFlight());
    assertEquals(Integer.MAX_VALUE, defaults.maxRequestsInFlight());
    assertEquals(true, defaults.detectCorrupt());
    assertEquals(true, defaults.compress());
    assertEquals(false, defaults.ioEncryption());
    assertEquals(false, defaults.useOldFetchProtocol());

    SparkBlockFetch.Settings set = SparkBlockFetch.Settings.fromSparkConf(new SparkConf(false)
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
