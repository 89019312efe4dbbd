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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.storage.BlockManagerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Option;

/**
 * The version decision for every kind of version string, and the bridge of the Spark this module
 * compiles and runs against (4.1). The bridges of the other lines are exercised on those lines,
 * with the same jar, by integration-tests' {@code SparkLineTest} (CI runs it on 4.0 and 4.2).
 */
class SparkVersionBridgeTest {
  private final List<String> warnings = new ArrayList<>();

  @Test
  void parsesReleasesAndQualifiedVersions() {
    assertEquals(new SparkVersion(4, 1, 3), SparkVersion.parse("4.1.3"));
    assertEquals(new SparkVersion(4, 2, 0), SparkVersion.parse("4.2.0-SNAPSHOT"));
    assertEquals(new SparkVersion(4, 1, 0), SparkVersion.parse("4.1.0-preview2"));
    assertEquals(new SparkVersion(4, 0, 0), SparkVersion.parse("4.0"));
    assertEquals("4.1", SparkVersion.parse("4.1.3").line());
    assertEquals(0, SparkVersion.parse("4.1.0").compareLine(SparkVersion.parse("4.1.3")));
    assertTrue(SparkVersion.parse("4.10.0").compareLine(SparkVersion.parse("4.2.0")) > 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.0.0", "4.0.4", "4.0.1-SNAPSHOT"})
  void spark40TakesThe40Api(String version) {
    assertEquals(
        SparkVersionBridge.Api.SPARK_4_0, SparkVersionBridge.lineOf(version, warnings::add));
    assertEquals(List.of(), warnings);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.1.0", "4.1.3", "4.2.0", "4.2.9-SNAPSHOT"})
  void spark41And42TakeThe41Api(String version) {
    assertEquals(
        SparkVersionBridge.Api.SPARK_4_1_AND_LATER,
        SparkVersionBridge.lineOf(version, warnings::add));
    assertEquals(List.of(), warnings);
  }

  @Test
  void aNewerMinorWarnsAndGoesOnWithTheNewestApi() {
    assertEquals(
        SparkVersionBridge.Api.SPARK_4_1_AND_LATER,
        SparkVersionBridge.lineOf("4.3.0", warnings::add));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).contains("Spark 4.3.0") && warnings.get(0).contains("Spark 4.0.x to 4.2.x"),
        warnings.get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.5.4", "3.0.0", "5.0.0", "2.4.8", "banana", ""})
  void anUnsupportedVersionIsRefusedNamingItAndTheRange(String version) {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> SparkVersionBridge.forVersion(version, warnings::add));
    assertTrue(
        e.getMessage().startsWith("Spillway does not support Spark " + version), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("it supports Spark 4.0.x to 4.2.x (tested: 4.0.4, 4.1.3," + " 4.2.0)"),
        e.getMessage());
    assertEquals(List.of(), warnings);
  }

  @Test
  void the40BridgeRefusesToStartOnA41ClassPath() {
    // a version string that lies about the jars fails at start-up, never in a map task
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> SparkVersionBridge.forVersion("4.0.4", warnings::add));
    assertTrue(e.getMessage().contains("not the 4.0 line"), e.getMessage());
  }

  @Test
  void theRunningSparkGetsThe41BridgeOnce() {
    SparkVersionBridge bridge = SparkVersionBridge.forRunningSpark();
    assertEquals("Spark 4.1+ API", bridge.api());
    assertTrue(bridge == SparkVersionBridge.forRunningSpark(), "chosen once per JVM");
  }

  @Test
  void mapStatusCarriesLocationSizesMapIdAndRowChecksum() {
    SparkVersionBridge bridge = SparkVersionBridge.forRunningSpark();
    BlockManagerId location = BlockManagerId.apply("exec-7", "host-a", 7337, Option.empty());
    long[] lengths = {0L, 10L, 0L, 3L};
    RowChecksums checksums =
        new RowChecksums() {
          @Override
          public boolean enabled() {
            return true;
          }

          @Override
          public void update(int partition, Object key, Object value) {}

          @Override
          public long aggregatedValue() {
            return 0x5eed_cafeL;
          }
        };
    MapStatus status = bridge.mapStatus(location, lengths, 42L, checksums);
    assertEquals(location, status.location());
    assertEquals(42L, status.mapId());
    assertEquals(0L, status.getSizeForBlock(0));
    assertEquals(10L, status.getSizeForBlock(1));
    assertEquals(3L, status.getSizeForBlock(3));
    assertEquals(0x5eed_cafeL, status.checksumValue());
    assertEquals(0L, bridge.mapStatus(location, lengths, 42L, RowChecksums.NONE).checksumValue());
  }

  @Test
  void theReadmeStatesTheSupportedRangeAndTheTestedReleases() throws IOException {
    String readme =
        Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
    String range =
        "Supported Spark versions: "
            + SparkVersionBridge.OLDEST_LINE.line()
            + ".x to "
            + SparkVersionBridge.NEWEST_LINE.line()
            + ".x";
    assertTrue(readme.contains(range), "README lacks '" + range + "'");
    // the compatibility table: one row per tested release, no other
    int start = readme.indexOf("## Compatibility");
    assertTrue(start >= 0, "README lacks its Compatibility section");
    int end = readme.indexOf("\n## ", start + 1);
    Matcher rows =
        Pattern.compile("(?m)^\\| (\\d+\\.\\d+\\.\\d+) \\|")
            .matcher(readme.substring(start, end < 0 ? readme.length() : end));
    List<String> releases = new ArrayList<>();
    while (rows.find()) {
      releases.add(rows.group(1));
    }
    assertEquals(SparkVersionBridge.TESTED_RELEASES, releases);
    String outside =
        "outside "
            + SparkVersionBridge.OLDEST_LINE.line()
            + ".x to "
            + SparkVersionBridge.NEWEST_LINE.line()
            + ".x";
    assertTrue(readme.contains(outside), "README lacks what happens " + outside);
    // and CI runs every tested release: this module's Spark, the others through run-on-spark.sh
    String ci =
        Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve(".ci/run"));
    String running = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    for (String release : SparkVersionBridge.TESTED_RELEASES) {
      assertTrue(
          release.equals(running)
              || ci.contains("for spark in ")
                  && ci.substring(ci.indexOf("for spark in "))
                      .lines()
                      .findFirst()
                      .orElse("")
                      .contains(release),
          ".ci/run does not run Spark " + release);
    }
  }
}
