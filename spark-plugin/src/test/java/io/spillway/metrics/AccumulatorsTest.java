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
package io.spillway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AccumulatorsTest {

  @Test
  void maxKeepsTheLargestValueOfEveryTask() {
    MaxAccumulator stage = new MaxAccumulator();
    assertTrue(stage.isZero());
    MaxAccumulator task1 = (MaxAccumulator) stage.copyAndReset();
    task1.add(3L);
    task1.add(1L);
    MaxAccumulator task2 = (MaxAccumulator) stage.copyAndReset();
    task2.add(0L);
    MaxAccumulator task3 = (MaxAccumulator) stage.copyAndReset();
    stage.merge(task1);
    stage.merge(task2);
    stage.merge(task3);
    assertEquals(3L, stage.value());
    assertFalse(stage.isZero());
    assertTrue(stage.copyAndReset().isZero());
  }

  @Test
  void countsAddUpPerName() {
    CountsAccumulator stage = new CountsAccumulator();
    CountsAccumulator task1 = (CountsAccumulator) stage.copyAndReset();
    task1.add("transferTo");
    CountsAccumulator task2 = (CountsAccumulator) stage.copyAndReset();
    task2.add("compress");
    task2.add("transferTo");
    stage.merge(task1);
    stage.merge(task2);
    assertEquals(Map.of("compress", 1L, "transferTo", 2L), stage.value());
    // the form Spark's UI and event log show
    assertEquals("{compress=1, transferTo=2}", stage.value().toString());
    assertTrue(stage.copyAndReset().isZero());
  }

  @Test
  void counterNamesCarryTheShuffleAndReadBack() {
    String name = ShuffleCounters.name(ShuffleCounters.MAP_SPILLS, 7);
    assertEquals("spillway.map.spills (shuffle 7)", name);
    assertEquals(ShuffleCounters.MAP_SPILLS, ShuffleCounters.counterOf(name));
    assertEquals(null, ShuffleCounters.counterOf("internal.metrics.diskBytesSpilled"));
  }

  @Test
  void noneCountsNothingAndSurvivesSerialization() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(ShuffleCounters.NONE);
    }
    ShuffleCounters copy;
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ShuffleCounters) in.readObject();
    }
    copy.mapOutputWritten(1, 1, "slow", 2, 5);
    copy.mapSideCombined(1, true);
    copy.reduceSideCombined(1, 1);
    assertEquals(ShuffleCounters.NONE, ShuffleCounters.of("not a handle"));
  }
}
