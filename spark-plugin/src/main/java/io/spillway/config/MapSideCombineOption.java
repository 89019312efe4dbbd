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

/** Values of {@code spark.spillway.combine.mapSide}. */
public enum MapSideCombineOption {
  /** Combine, and stop combining when a probe shows it does not reduce the records. */
  AUTO("auto"),
  /** Combine every record, whatever the reduction. */
  ALWAYS("always"),
  /** Never combine: every record leaves as {@code (key, createCombiner(value))}. */
  NEVER("never");

  private final String configValue;

  MapSideCombineOption(String configValue) {
    this.configValue = configValue;
  }

  public String configValue() {
    return configValue;
  }

  static MapSideCombineOption fromConfigValue(String value) {
    for (MapSideCombineOption option : values()) {
      if (option.configValue.equalsIgnoreCase(value)) {
        return option;
      }
    }
    throw new IllegalArgumentException("unknown map-side combine mode " + value);
  }

  static String allowedValues() {
    return Arrays.stream(values())
        .map(MapSideCombineOption::configValue)
        .collect(Collectors.joining(", "));
  }
}
