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
package io.spillway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad {@code spark.spillway.*} value fails the SparkContext at startup, with a message that names
 * the key, the value and what is allowed (DESIGN.md, Configuration). Spark's built-in manager does
 * not read these keys, so the tests are skipped when the harness runs with
 * {@code -Dit.shuffle.manager=sort}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BadConfigTest {

  private static final String STRATEGY_KEY = "spark.spillway.merge.strategy";
  private static final List<String> STRATEGIES =
      List.of("auto", "transferTo", "fileStream", "slow");

  @BeforeEach
  void onlyForSpillway() {
    assumeFalse(
        ItConfig.managerUnderTestIsSparkSort(),
        "Spark's sort shuffle ignores spark.spillway.* keys");
  }

  private static SparkConf conf(String strategy) {
    return new SparkConf()
        .setMaster("local[1]")
        .setAppName("bad-config")
        .set("spark.ui.enabled", "false")
        .set("spark.shuffle.manager", ItConfig.managerUnderTest())
        .set(STRATEGY_KEY, strategy);
  }

  /** Every message in the cause chain: reflection wraps the manager's exception. */
  private static String messages(Throwable thrown) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  @Test
  void unknownMergeStrategyFailsAtStartup() {
    // Startup only: no job runs, so a manager that validates lazily (in getWriter) fails here.
    Throwable thrown =
        assertThrows(
            Throwable.class,
            () -> {
              JavaSparkContext jsc = new JavaSparkContext(conf("bogus"));
              jsc.close(); // reached only when startup did not fail
            });
    String messages = messages(thrown);
    assertTrue(messages.contains(STRATEGY_KEY), "names the key:\n" + messages);
    assertTrue(messages.contains("bogus"), "names the value:\n" + messages);
    for (String allowed : STRATEGIES) {
      assertTrue(
          messages.contains(allowed), "names the allowed value " + allowed + ":\n" + messages);
    }
    assertTrue(SparkContext$.MODULE$.getActive().isEmpty(), "no SparkContext left running");
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "transferTo", "fileStream", "slow", "compress"})
  void everyAllowedMergeStrategyStarts(String strategy) {
    try (JavaSparkContext jsc = new JavaSparkContext(conf(strategy))) {
      assertEquals(
          ItConfig.expectedManagerClassName(ItConfig.managerUnderTest()),
          SparkEnv.get().shuffleManager().getClass().getName());
      assertEquals(
          List.of(1, 2, 3),
          jsc.parallelize(List.of(3, 1, 2), 2)
              .mapToPair(x -> new scala.Tuple2<>(x, x))
              .sortByKey()
              .keys()
              .collect());
    }
    assertNull(SparkEnv.get(), "SparkEnv cleared after stop");
  }
}
