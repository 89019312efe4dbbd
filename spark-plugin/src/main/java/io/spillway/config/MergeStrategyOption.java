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
  SLOW("slow");

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
    return Arrays.stream(values()).map(MergeStrategyOption::configValue)
        .collect(Collectors.joining(", "));
  }
}
