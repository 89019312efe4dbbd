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
    return Arrays.stream(values()).map(MapSideCombineOption::configValue)
        .collect(Collectors.joining(", "));
  }
}
