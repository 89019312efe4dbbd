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
package io.spillway.combine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import scala.Product2;
import scala.Tuple2;

class RecordBatchTest {

  private static Iterator<Product2<Object, Object>> records(int count) {
    List<Product2<Object, Object>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(new Tuple2<>(i % 7 == 0 ? null : "k" + i, i % 5 == 0 ? null : (Object) i));
    }
    return records.iterator();
  }

  @Test
  void takesRecordsInOrderAndForgetsThePreviousBatch() {
    Iterator<Product2<Object, Object>> input = records(150);
    RecordBatch batch = new RecordBatch();
    int seen = 0;
    List<Integer> sizes = new ArrayList<>();
    while (batch.fill(input, null)) {
      sizes.add(batch.size);
      for (int i = 0; i < batch.size; i++, seen++) {
        assertEquals(seen % 7 == 0 ? null : "k" + seen, batch.keys[i]);
        assertEquals(seen % 5 == 0 ? null : seen, batch.values[i]);
      }
      for (int i = batch.size; i < RecordBatch.CAPACITY; i++) {
        assertNull(batch.keys[i], "stale key at " + i);
        assertNull(batch.values[i], "stale value at " + i);
      }
    }
    assertEquals(List.of(64, 64, 22), sizes);
    assertEquals(0, batch.size);
    assertFalse(batch.fill(input, null), "stays exhausted");
    batch.fill(records(3), null);
    batch.clear();
    assertEquals(0, batch.size);
    assertNull(batch.keys[0]);
  }

  @Test
  void aNullCombinerIsRejectedWithTheGivenMessage() {
    RecordBatch batch = new RecordBatch();
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> batch.fill(records(10), "combiner is null"));
    assertEquals("combiner is null", e.getMessage());
    assertTrue(batch.fill(records(10), null));
  }
}
