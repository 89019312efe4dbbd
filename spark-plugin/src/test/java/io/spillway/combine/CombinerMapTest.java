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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link CombinerMap} against {@code java.util.HashMap} on seeded random updates. */
class CombinerMapTest {

  @Test
  void sumsEqualHashMapsIncludingNullAndCollidingKeys() {
    Random random = new Random(2024);
    CombinerMap map = new CombinerMap();
    Map<Object, Object> oracle = new HashMap<>();
    int grown = 0;
    for (int i = 0; i < 300_000; i++) {
      Object key =
          switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new CollidingKey(random.nextInt(300)); // every hash code equal
            default -> (long) random.nextInt(50_000);
          };
      long value = random.nextInt(100);
      int slot = map.find(key);
      if (slot >= 0) {
        map.setValueAt(slot, (Long) map.valueAt(slot) + value);
      } else if (map.insertAt(slot, key, value)) {
        grown++;
      }
      oracle.merge(key, value, (a, b) -> (Long) a + (Long) b);
    }
    assertEquals(oracle.size(), map.size());
    assertTrue(grown > 5, "the table grew " + grown + " times");
    Map<Object, Object> iterated = new HashMap<>();
    int count = 0;
    for (int slot = map.nextSlot(0); slot >= 0; slot = map.nextSlot(slot + 1)) {
      iterated.put(map.keyAt(slot), map.valueAt(slot));
      count++;
    }
    assertEquals(oracle.size(), count, "each key once");
    assertEquals(oracle, iterated);
    assertEquals(oracle, new HashMap<>(map), "the Map view");
    assertTrue(map.containsKey(null));
    assertEquals(oracle.get(null), map.get(null));
  }

  @Test
  void emptyAndMissing() {
    CombinerMap map = new CombinerMap(1);
    assertTrue(map.isEmpty());
    assertEquals(-1, map.nextSlot(0));
    assertNull(map.get("absent"));
    assertFalse(map.containsKey(null));
    assertNull(map.put("k", 1L));
    assertEquals(1L, map.put("k", 2L));
    assertEquals(Map.of("k", 2L), new HashMap<>(map));
  }

  @Test
  void ensureCapacityRehashesOnceAndKeepsEveryKey() {
    CombinerMap map = new CombinerMap();
    for (long key = 0; key < 1_000; key++) {
      map.insertAt(map.find(key), key, key * 10);
    }
    map.insertAt(map.find(null), null, -1L);
    map.ensureCapacity(50_000);
    long tableBytes = map.tableBytes();
    assertTrue(tableBytes >= 4L * 2 * (50_000 / 0.7), "table for 50,000 keys: " + tableBytes);
    for (long key = 1_000; key < 50_000; key++) {
      int slot = map.find(key, CombinerMap.hashOf(key));
      assertTrue(slot < 0, "absent key " + key);
      assertFalse(map.insertAt(slot, key, key * 10), "grew at key " + key);
    }
    assertEquals(tableBytes, map.tableBytes());
    assertEquals(50_001, map.size());
    for (long key = 0; key < 50_000; key++) {
      assertEquals(key * 10, map.get(key));
    }
    assertEquals(-1L, map.get(null));
    map.ensureCapacity(10);
    assertEquals(tableBytes, map.tableBytes(), "never shrinks");
  }
}
