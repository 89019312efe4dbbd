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
package io.spillway.spill;

import java.util.zip.Checksum;
import org.apache.spark.network.shuffle.checksum.ShuffleChecksumHelper;

/**
 * Per-partition checksums ({@code spark.shuffle.checksum.*}) of map output bytes as stored, the
 * values Spark writes to the {@code .checksum.<ALGORITHM>} file for corruption diagnosis.
 * Disabled checksums are an empty array throughout, as in Spark's shuffle IO API.
 */
public final class PartitionChecksums {
  private PartitionChecksums() {}

  public static Checksum[] create(boolean enabled, String algorithm, int numPartitions) {
    return enabled
        ? ShuffleChecksumHelper.createPartitionChecksums(numPartitions, algorithm)
        : new Checksum[0];
  }

  public static long[] values(Checksum[] checksums) {
    long[] values = new long[checksums.length];
    for (int p = 0; p < checksums.length; p++) {
      values[p] = checksums[p].getValue();
    }
    return values;
  }
}
