package io.spillway.config;

import java.util.List;
import org.apache.spark.SparkConf;

/**
 * Every {@code spark.spillway.*} setting, in one place. The README's configuration table lists
 * exactly {@link #ALL_ENTRIES} (a test keeps the two in step). Spark's own shuffle keys keep
 * their meaning and are read by {@link WriteSettings}.
 */
public final class SpillwayConfig {
  private SpillwayConfig() {}

  public static final ConfigEntry<MergeStrategyOption> MERGE_STRATEGY = new ConfigEntry<>(
      "spark.spillway.merge.strategy", "auto", "-", MergeStrategyOption.allowedValues(),
      "How spill files are merged into the map output. 'auto' picks with Spark's conditions:"
          + " transferTo when fast merge is on, the codec concatenates and IO encryption is off;"
          + " fileStream when fast merge is possible but transferTo is off or encryption is on;"
          + " slow (decompress and recompress) otherwise. The others force one, for tests and"
          + " benchmarks; a forced fast strategy falls back to slow when the codec cannot"
          + " concatenate streams, and transferTo falls back to fileStream under encryption.",
      MergeStrategyOption::fromConfigValue);

  public static final ConfigEntry<Integer> MERGE_MAX_OPEN_FILES = new ConfigEntry<>(
      "spark.spillway.merge.maxOpenFiles", "64", "files", "an integer from 2 to 65536",
      "Most spill files a map task keeps open while merging. More spills are merged in rounds"
          + " of this many into intermediate spill files first.",
      raw -> intInRange(raw, 2, 65536));

  public static final List<ConfigEntry<?>> ALL_ENTRIES = List.of(MERGE_STRATEGY, MERGE_MAX_OPEN_FILES);

  /** Reads every entry once, so that a bad value fails at start-up rather than in a task. */
  public static void validate(SparkConf conf) {
    for (ConfigEntry<?> entry : ALL_ENTRIES) {
      entry.read(conf);
    }
  }

  static int intInRange(String raw, int min, int max) {
    int value = Integer.parseInt(raw);
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }
}
