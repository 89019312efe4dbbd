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
    Product2<String, Object> notATuple2 = new Product2<>() {
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
