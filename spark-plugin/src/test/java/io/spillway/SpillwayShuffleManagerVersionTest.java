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
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> new SpillwayShuffleManager(new SparkConf(false), version));
    assertTrue(
        e.getMessage().contains("Spark " + version)
            && e.getMessage().contains("Spark 4.0.x to 4.2.x"),
        e.getMessage());
  }
}
