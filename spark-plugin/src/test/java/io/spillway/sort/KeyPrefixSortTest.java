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
package io.spillway.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.testing.TestSeed;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.math.Ordering;
import scala.math.Ordering$;

/** {@link KeyPrefix} recognition and {@link KeyPrefixSort} against {@code Arrays.sort} with the ordering. */
class KeyPrefixSortTest {

  private static final Object GUAVA_NATURAL = guavaNatural();

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Object> raw(Comparator<?> comparator) {
    return (Comparator) comparator;
  }

  private static Object guavaNatural() {
    try {
      return Class.forName("org.sparkproject.guava.collect.Ordering")
          .getMethod("natural")
          .invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Spark's shaded Guava is on the test class path", e);
    }
  }

  /** Sorts with prefixes and with the ordering; the key sequences must be the same. */
  private static void assertSortsLikeTheOrdering(Object[] keys, Comparator<?> ordering, long seed) {
    KeyPrefix prefix = KeyPrefix.forOrdering(ordering);
    assertNotNull(prefix, "no prefix for " + ordering);
    Comparator<Object> keyOrder = raw(ordering);
    Comparator<Tuple2<?, ?>> recordOrder = (a, b) -> keyOrder.compare(a._1(), b._1());
    Tuple2<?, ?>[] records = new Tuple2<?, ?>[keys.length];
    for (int i = 0; i < keys.length; i++) {
      records[i] = new Tuple2<>(keys[i], i);
    }
    Tuple2<?, ?>[] expected = records.clone();
    Arrays.sort(expected, recordOrder);

    assertTrue(
        KeyPrefixSort.sort(records, records.length, prefix, recordOrder),
        "prefix refused, seed " + seed);

    assertArrayEquals(
        Arrays.stream(expected).map(Tuple2::_1).toArray(),
        Arrays.stream(records).map(Tuple2::_1).toArray(),
        prefix + ", seed " + seed);
    assertEquals(
        keys.length,
        Arrays.stream(records).map(Tuple2::_2).distinct().count(),
        "records lost or doubled");
  }

  private static String randomString(Random random) {
    // Short strings, shared prefixes, chars across the whole UTF-16 range (signedness of the
    // top bit), NUL chars (zero padding) and empty strings.
    int length = random.nextInt(8);
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(5)) {
        case 0 -> chars[i] = (char) random.nextInt(0x10000);
        case 1 -> chars[i] = 0;
        case 2 -> chars[i] = (char) (0xFF00 + random.nextInt(256));
        default -> chars[i] = (char) ('a' + random.nextInt(3));
      }
    }
    return new String(chars);
  }

  private static Object[] randomKeys(long seed, int count, Function<Random, Object> key) {
    Random random = new Random(seed);
    Object[] keys = new Object[count];
    for (int i = 0; i < count; i++) {
      keys[i] = key.apply(random);
    }
    return keys;
  }

  @Test
  void stringKeysUnderEveryRecognizedOrderingSortLikeTheOrdering() {
    long seed = TestSeed.next();
    Object[] keys = randomKeys(seed, 20_000, KeyPrefixSortTest::randomString);
    Comparator<?>[] orderings = {
      Ordering.String$.MODULE$,
      Ordering.String$.MODULE$.reverse(),
      Comparator.naturalOrder(),
      Comparator.reverseOrder(),
      Ordering$.MODULE$.comparatorToOrdering(raw((Comparator<?>) GUAVA_NATURAL)),
      Ordering$.MODULE$.comparatorToOrdering(raw((Comparator<?>) GUAVA_NATURAL)).reverse(),
    };
    for (Comparator<?> ordering : orderings) {
      assertSortsLikeTheOrdering(keys, ordering, seed);
    }
  }

  @Test
  void longAndIntegerKeysIncludingExtremesSortLikeTheOrdering() {
    long seed = TestSeed.next();
    Object[] longs =
        randomKeys(
            seed,
            20_000,
            random ->
                switch (random.nextInt(4)) {
                  case 0 -> Long.MIN_VALUE + random.nextInt(3);
                  case 1 -> Long.MAX_VALUE - random.nextInt(3);
                  case 2 -> (long) random.nextInt(100) - 50;
                  default -> random.nextLong();
                });
    Object[] ints =
        randomKeys(
            seed,
            20_000,
            random -> random.nextBoolean() ? random.nextInt() : random.nextInt(10) - 5);
    for (Comparator<?> ordering :
        new Comparator<?>[] {
          Ordering.Long$.MODULE$,
          Ordering.Long$.MODULE$.reverse(),
          Comparator.naturalOrder(),
          Comparator.reverseOrder()
        }) {
      assertSortsLikeTheOrdering(longs, ordering, seed);
    }
    for (Comparator<?> ordering :
        new Comparator<?>[] {
          Ordering.Int$.MODULE$, Ordering.Int$.MODULE$.reverse(), Comparator.naturalOrder()
        }) {
      assertSortsLikeTheOrdering(ints, ordering, seed);
    }
  }

  @Test
  void stringPrefixDrawsFourCharsHighToLowZeroPadded() {
    assertEquals(0x0061_0062_0000_0000L, KeyPrefix.stringPrefix("ab"));
    assertEquals(0x0061_0062_0063_0064L, KeyPrefix.stringPrefix("abcdef"));
    assertEquals(0L, KeyPrefix.stringPrefix(""));
    assertEquals(0xFFFF_0000_0000_0000L, KeyPrefix.stringPrefix("\uFFFF"));
    assertEquals(
        KeyPrefix.stringPrefix("a"), KeyPrefix.stringPrefix("a\0"), "a tie the ordering settles");
  }

  @Test
  void unknownOrderingsGetNoPrefix() {
    assertNull(KeyPrefix.forOrdering(Comparator.comparing(Object::toString)));
    assertNull(
        KeyPrefix.forOrdering(Comparator.<String>naturalOrder().thenComparing(String::length)));
    assertNull(KeyPrefix.forOrdering(Ordering.Boolean$.MODULE$));
    assertNull(
        KeyPrefix.forOrdering(
            Ordering$.MODULE$.comparatorToOrdering(
                Comparator.<String>comparingInt(String::length))));
    assertNull(
        KeyPrefix.forOrdering(
            Ordering$.MODULE$
                .comparatorToOrdering(Comparator.<String>comparingInt(String::length))
                .reverse()));
    assertNull(
        KeyPrefix.forOrdering(Ordering.String$.MODULE$.on((Integer i) -> Integer.toString(i))));
  }

  @Test
  void keysOfAnotherClassOrNullMakeThePrefixStepAsideWithRecordsUntouched() {
    Comparator<Tuple2<?, ?>> byKey =
        (a, b) -> raw(Comparator.naturalOrder()).compare(a._1(), b._1());
    KeyPrefix natural = KeyPrefix.forOrdering(Comparator.naturalOrder());
    Tuple2<?, ?>[] mixed = new Tuple2<?, ?>[100];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = new Tuple2<>(i == 50 ? (Object) 7L : (Object) (100 - i), i);
    }
    Tuple2<?, ?>[] before = mixed.clone();
    assertFalse(KeyPrefixSort.sort(mixed, mixed.length, natural, byKey));
    assertArrayEquals(before, mixed);

    Tuple2<?, ?>[] withNull = before.clone();
    withNull[10] = new Tuple2<>(null, 10);
    assertFalse(
        KeyPrefixSort.sort(
            withNull, withNull.length, KeyPrefix.forOrdering(Ordering.Int$.MODULE$), byKey));
  }

  @Test
  void recognizesWhatSortByKeyPassesFromScalaAndJava() {
    assertEquals(
        "KeyPrefix(STRING)", String.valueOf(KeyPrefix.forOrdering(Ordering.String$.MODULE$)));
    assertEquals(
        "KeyPrefix(ANY_OF_THEM)",
        String.valueOf(
            KeyPrefix.forOrdering(
                Ordering$.MODULE$.comparatorToOrdering(raw((Comparator<?>) GUAVA_NATURAL)))));
    assertEquals(
        "KeyPrefix(LONG, descending)",
        String.valueOf(KeyPrefix.forOrdering(Ordering.Long$.MODULE$.reverse())));
  }
}
