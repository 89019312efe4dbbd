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

import java.util.Arrays;
import java.util.stream.Collectors;

/** Values of {@code spark.spillway.merge.strategy}. */
public enum MergeStrategyOption {
  /** Pick with Spark's own conditions (codec, encryption, transferTo, fast merge). */
  AUTO("auto"),
  /** Force byte-for-byte concatenation with {@code FileChannel.transferTo}. */
  TRANSFER_TO("transferTo"),
  /** Force concatenation through buffered streams (decrypting and re-encrypting if needed). */
  FILE_STREAM("fileStream"),
  /** Force decompress-and-recompress. */
  SLOW("slow"),
  /**
   * Force uncompressed (SERIALIZED) spills, each partition compressed once at the merge; needs
   * the serialized path, shuffle compression on and IO encryption off.
   */
  COMPRESS("compress");

  private final String configValue;

  MergeStrategyOption(String configValue) {
    this.configValue = configValue;
  }

  public String configValue() {
    return configValue;
  }

  static MergeStrategyOption fromConfigValue(String value) {
    for (MergeStrategyOption option : values()) {
      if (option.configValue.equalsIgnoreCase(value)) {
        return option;
      }
    }
    throw new IllegalArgumentException("unknown merge strategy " + value);
  }

  static String allowedValues() {
    return Arrays.stream(values())
        .map(MergeStrategyOption::configValue)
        .collect(Collectors.joining(", "));
  }
}
