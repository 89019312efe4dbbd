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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import scala.Product2;
import scala.Tuple2;

class CombineFunctionsTest {

  @Test
  void recordsAreMaskedAndUnmaskedWithoutCopiesUnlessTheCombinerIsNull() {
    Tuple2<String, Object> plain = new Tuple2<>("k", 7L);
    assertSame(plain, CombineFunctions.withMaskedCombiner(plain));
    assertSame(plain, CombineFunctions.withUnmaskedCombiner(plain));

    Tuple2<String, Object> masked = CombineFunctions.withMaskedCombiner(new Tuple2<>("k", null));
    assertEquals("k", masked._1());
    assertSame(CombineFunctions.NullCombiner.INSTANCE, masked._2());
    Tuple2<String, Object> unmasked = CombineFunctions.withUnmaskedCombiner(masked);
    assertEquals("k", unmasked._1());
    assertNull(unmasked._2());

    // any Product2 may come in; what goes out is a Tuple2
    Product2<String, Object> notATuple2 =
        new Product2<>() {
          @Override
          public String _1() {
            return "p";
          }

          @Override
          public Object _2() {
            return 3L;
          }

          @Override
          public boolean canEqual(Object that) {
            return false;
          }
        };
    assertEquals(new Tuple2<>("p", 3L), CombineFunctions.withMaskedCombiner(notATuple2));
  }
}
