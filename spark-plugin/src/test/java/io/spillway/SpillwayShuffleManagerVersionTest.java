package io.spillway;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The manager refuses to start on a Spark version outside the supported range. */
class SpillwayShuffleManagerVersionTest {

  @ParameterizedTest
  @ValueSource(strings = {"3.5.4", "5.0.0"})
  void refusesToStartOnAnUnsupportedSpark(String version) {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> new SpillwayShuffleManager(new SparkConf(false), version));
    assertTrue(e.getMessage().contains("Spark " + version)
        && e.getMessage().contains("Spark 4.0.x to 4.2.x"), e.getMessage());
  }
}
