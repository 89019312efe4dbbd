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

import io.spillway.spark.SparkOrderings;
import java.util.Comparator;
import scala.Tuple2;
import scala.math.Ordering;

/**
 * A 64-bit prefix of a sort key whose <em>unsigned</em> order agrees with the key ordering:
 * {@code prefix(a) <u prefix(b)} implies {@code order(a, b) < 0}. Equal prefixes decide nothing
 * unless the prefix is {@linkplain #exactFor exact}; the sort then asks the ordering itself. With
 * prefixes the sort moves 8-byte numbers (see {@link KeyPrefixSort}) instead of calling the
 * comparator O(n log n) times, each call dereferencing two key objects (the reduce side of
 * {@code sortByKey} spent two thirds of its time in such calls: profile of the {@code
 * rdd-sortbykey-terasort} workload of {@code bin/benchmark}, commit c984848).
 *
 * <p>Prefixes exist only for orderings whose meaning is known for certain, the natural order of
 * {@code String}, {@code Long} and {@code Integer} keys as {@code sortByKey} passes it:
 * <pre>
 *   scala.math.Ordering.String / .Long / .Int               (Scala rdd.sortByKey)
 *   Ordering.comparatorToOrdering(natural comparator)        (JavaPairRDD.sortByKey: Guava natural())
 *   java.util.Comparator.naturalOrder()
 *   any of these reversed                                    (sortByKey(ascending = false))
 * </pre>
 * Anything else, a user's comparator included, gets no prefix and is sorted with the ordering.
 * The natural orders that arrive wrapped are recognised by {@link SparkOrderings}; {@code
 * spark.spillway.sort.keyPrefixes=false} turns prefixes off ({@link SortSettings#keyPrefixes}).
 *
 * <p>Layouts ({@code ~prefix} when the ordering is reversed):
 * <pre>
 *   String   bit 63      48 47      32 31      16 15       0
 *            [  char 0   ][  char 1   ][  char 2  ][  char 3  ]   first four UTF-16 code units,
 *                                                                 zero-padded; not exact
 *   Long     value ^ 0x8000_0000_0000_0000                        sign bit flipped; exact
 *   Integer  (long) value ^ 0x8000_0000_0000_0000                 widened, sign bit flipped; exact
 * </pre>
 * {@code String.compareTo} compares code units as unsigned numbers and sorts a proper prefix
 * first; zero padding keeps both ("a" and "a\0" share a prefix and go to the ordering).
 *
 * <p>One sort uses one key class: prefixes of a String and a Long are not comparable, and the
 * natural order would throw on such a pair anyway. A null key or a key of another class makes
 * {@link #fill} refuse, and the caller sorts with the ordering, exactly as without prefixes.
 */
public final class KeyPrefix {

  private enum KeyType {
    STRING,
    LONG,
    INTEGER,
    ANY_OF_THEM
  }

  private final KeyType keyType;
  private final boolean descending;

  private KeyPrefix(KeyType keyType, boolean descending) {
    this.keyType = keyType;
    this.descending = descending;
  }

  /** The prefix for this ordering, or null when its meaning is not known for certain. */
  public static KeyPrefix forOrdering(Comparator<?> ordering) {
    KeyType ascending = ascendingKeyType(ordering);
    if (ascending != null) {
      return new KeyPrefix(ascending, false);
    }
    Comparator<?> forward = reverseOf(ordering);
    KeyType reversed = forward == null ? null : ascendingKeyType(forward);
    return reversed == null ? null : new KeyPrefix(reversed, true);
  }

  /**
   * Writes the prefixes of the keys of {@code records[0, size)} to {@code prefixes[0, size)}.
   *
   * @return false, leaving {@code prefixes} unspecified, when a key is null or its class is not
   *     the one this prefix (or, for a natural order, the first key) stands for
   */
  boolean fill(Tuple2<?, ?>[] records, int size, long[] prefixes) {
    if (size == 0) {
      return true;
    }
    KeyType type = keyType == KeyType.ANY_OF_THEM ? typeOf(records[0]._1()) : keyType;
    if (type == null) {
      return false;
    }
    long flip = descending ? -1L : 0L;
    for (int i = 0; i < size; i++) {
      Object key = records[i]._1();
      long prefix;
      if (type == KeyType.STRING && key instanceof String s) {
        prefix = stringPrefix(s);
      } else if (type == KeyType.LONG && key instanceof Long l) {
        prefix = l ^ Long.MIN_VALUE;
      } else if (type == KeyType.INTEGER && key instanceof Integer n) {
        prefix = ((long) n) ^ Long.MIN_VALUE;
      } else {
        return false;
      }
      prefixes[i] = prefix ^ flip;
    }
    return true;
  }

  /**
   * Whether equal prefixes mean equal keys (Long and Integer keys), so ties need no comparison.
   * For a natural order the keys' class decides: pass the first key.
   */
  boolean exactFor(Object firstKey) {
    KeyType type = keyType == KeyType.ANY_OF_THEM ? typeOf(firstKey) : keyType;
    return type == KeyType.LONG || type == KeyType.INTEGER;
  }

  static long stringPrefix(String s) {
    long prefix = 0;
    int chars = Math.min(4, s.length());
    for (int i = 0; i < chars; i++) {
      prefix |= (long) s.charAt(i) << (48 - 16 * i);
    }
    return prefix;
  }

  private static KeyType typeOf(Object key) {
    if (key instanceof String) {
      return KeyType.STRING;
    } else if (key instanceof Long) {
      return KeyType.LONG;
    } else if (key instanceof Integer) {
      return KeyType.INTEGER;
    }
    return null;
  }

  private static KeyType ascendingKeyType(Comparator<?> ordering) {
    if (ordering == Ordering.String$.MODULE$) {
      return KeyType.STRING;
    } else if (ordering == Ordering.Long$.MODULE$) {
      return KeyType.LONG;
    } else if (ordering == Ordering.Int$.MODULE$) {
      return KeyType.INTEGER;
    } else if (SparkOrderings.isNaturalOrder(ordering)) {
      return KeyType.ANY_OF_THEM;
    }
    return null;
  }

  /**
   * The ordering this one reverses, or null. A Scala {@code Ordering.Reverse} answers
   * {@code reverse()} with the ordering it wraps and says so through {@code isReverseOf} (this is
   * what {@code sortByKey(ascending = false)} passes, for Scala and Java callers alike); Java's
   * {@code reverseOrder()} is the reverse of {@code naturalOrder()}.
   */
  private static Comparator<?> reverseOf(Comparator<?> ordering) {
    if (ordering instanceof Ordering<?> scalaOrdering) {
      Ordering<?> forward = scalaOrdering.reverse();
      if (scalaOrdering.isReverseOf(forward)
          && forward.isReverseOf(scalaOrdering)
          && ordering.getClass() != forward.getClass()) {
        return forward;
      }
      return null;
    }
    if (ordering == Comparator.reverseOrder()) {
      return Comparator.naturalOrder();
    }
    return null;
  }

  @Override
  public String toString() {
    return "KeyPrefix(" + keyType + (descending ? ", descending)" : ")");
  }
}
