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
package io.spillway.write.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.config.MergeStrategyOption;
import io.spillway.config.WriteSettings;
import io.spillway.spill.Spill;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@link MergePlan}: one decision, named in the configuration's words, format included. */
class MergePlanTest {
  private static final long SMALL = MergePlan.SERIALIZED_SEGMENT_BYTES - 1;
  private static final long LARGE = MergePlan.SERIALIZED_SEGMENT_BYTES * 10;

  private static WriteSettings settings(MergeStrategyOption strategy, SparkConf conf) {
    return WriteSettings.fromSparkConf(conf).withMergeStrategy(strategy);
  }

  private static WriteSettings settings(MergeStrategyOption strategy) {
    return settings(strategy, new SparkConf(false));
  }

  @Test
  void autoCompressesOnceWhenSegmentsAreSmallAndFollowsSparkOtherwise() {
    MergePlan small =
        MergePlan.forSerializedPath(settings(MergeStrategyOption.AUTO), false, SMALL * 8, 1000, 8);
    assertEquals(MergeStrategyOption.COMPRESS, small.strategy());
    assertEquals(Spill.SegmentFormat.SERIALIZED, small.spillFormat());
    assertEquals("compress", small.name());
    assertFalse(small.preservesBytes());

    MergePlan large =
        MergePlan.forSerializedPath(settings(MergeStrategyOption.AUTO), false, LARGE * 8, 1000, 8);
    assertEquals(MergeStrategyOption.TRANSFER_TO, large.strategy());
    assertEquals(Spill.SegmentFormat.WRAPPED, large.spillFormat());
    assertEquals("transferTo", large.name());
    assertTrue(large.preservesBytes());

    MergePlan encrypted =
        MergePlan.forSerializedPath(settings(MergeStrategyOption.AUTO), true, SMALL, 1000, 8);
    assertEquals(
        MergeStrategyOption.FILE_STREAM,
        encrypted.strategy(),
        "no SERIALIZED spills" + " under encryption");
    assertFalse(encrypted.preservesBytes(), "fileStream re-encrypts");

    MergePlan uncompressed =
        MergePlan.forSerializedPath(
            settings(
                MergeStrategyOption.AUTO,
                new SparkConf(false).set("spark.shuffle.compress", "false")),
            false,
            SMALL,
            1000,
            8);
    assertEquals(Spill.SegmentFormat.WRAPPED, uncompressed.spillFormat());
  }

  @Test
  void aForcedStrategyDecidesTheSpillFormatToo() {
    for (MergeStrategyOption forced :
        new MergeStrategyOption[] {
          MergeStrategyOption.TRANSFER_TO, MergeStrategyOption.FILE_STREAM, MergeStrategyOption.SLOW
        }) {
      MergePlan plan = MergePlan.forSerializedPath(settings(forced), false, SMALL, 1000, 8);
      assertEquals(forced, plan.strategy());
      assertEquals(Spill.SegmentFormat.WRAPPED, plan.spillFormat(), forced.configValue());
      assertEquals(forced.configValue(), plan.name());
    }
    MergePlan compress =
        MergePlan.forSerializedPath(
            settings(MergeStrategyOption.COMPRESS), false, LARGE * 8, 1000, 8);
    assertEquals(
        Spill.SegmentFormat.SERIALIZED,
        compress.spillFormat(),
        "forced compress whatever the segment size");
    MergePlan compressEncrypted =
        MergePlan.forSerializedPath(settings(MergeStrategyOption.COMPRESS), true, SMALL, 1000, 8);
    assertEquals(
        MergeStrategyOption.FILE_STREAM,
        compressEncrypted.strategy(),
        "compress cannot apply under encryption: auto's choice");
    MergePlan transferToEncrypted =
        MergePlan.forSerializedPath(settings(MergeStrategyOption.TRANSFER_TO), true, LARGE, 1, 8);
    assertEquals(MergeStrategyOption.FILE_STREAM, transferToEncrypted.strategy());
  }

  @Test
  void reserializingIsTheSlowStrategyAndSaysSo() {
    MergePlan plan = MergePlan.reserializing(false);
    assertEquals(MergeStrategyOption.SLOW, plan.strategy());
    assertTrue(plan.reserializes());
    assertEquals("slow (re-serialized)", plan.name());
    assertEquals(Spill.SegmentFormat.WRAPPED, plan.spillFormat());
    assertFalse(plan.preservesBytes());
  }

  @Test
  void aPlanNeverHoldsAuto() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new MergePlan(MergeStrategyOption.AUTO, false, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MergePlan(MergeStrategyOption.TRANSFER_TO, true, false));
  }
}
