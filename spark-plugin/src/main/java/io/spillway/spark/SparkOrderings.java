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
package io.spillway.spark;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;

/**
 * Recognises the natural orderings that reach a shuffle without saying so, for the sort's key
 * prefixes ({@code io.spillway.sort.KeyPrefix}):
 *
 * <pre>
 *   java.util.Comparator.naturalOrder()
 *   org.sparkproject.guava.collect.Ordering.natural()     Spark's shaded Guava: what
 *                                                         JavaPairRDD.sortByKey() passes
 *   scala.math.Ordering.comparatorToOrdering(either)      the wrapper JavaPairRDD puts around it
 * </pre>
 *
 * Two contacts with internals: the shaded Guava class is looked up by name (it is not on
 * Spillway's compile class path, and another Spark build may not shade it), and the comparator
 * inside Scala's wrapper is its only instance field, read by reflection (the wrapper is an
 * anonymous class). Either failing (another Spark or Scala version) only costs the prefix. A
 * heuristic: off with {@code spark.spillway.sort.keyPrefixes=false}.
 */
public final class SparkOrderings {
  private SparkOrderings() {}

  private static final Class<?> COMPARATOR_WRAPPER =
      scala.math.Ordering$.MODULE$
          .comparatorToOrdering(Comparator.<String>naturalOrder())
          .getClass();
  private static final Object GUAVA_NATURAL = shadedGuavaNatural();

  /** Whether {@code ordering} is one of the natural orderings above, for certain. */
  public static boolean isNaturalOrder(Comparator<?> ordering) {
    if (isNatural(ordering)) {
      return true;
    }
    if (ordering.getClass() == COMPARATOR_WRAPPER) {
      Comparator<?> wrapped = wrappedComparator(ordering);
      return wrapped != null && isNatural(wrapped);
    }
    return false;
  }

  private static boolean isNatural(Comparator<?> comparator) {
    return comparator == Comparator.naturalOrder()
        || (GUAVA_NATURAL != null && comparator == GUAVA_NATURAL);
  }

  /**
   * The comparator inside {@code Ordering.comparatorToOrdering}'s wrapper: its only instance field.
   * Null if the wrapper does not look like that (another Scala version).
   */
  static Comparator<?> wrappedComparator(Comparator<?> wrapper) {
    Field only = null;
    for (Field field : wrapper.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      if (only != null || !Comparator.class.isAssignableFrom(field.getType())) {
        return null;
      }
      only = field;
    }
    if (only == null) {
      return null;
    }
    try {
      only.setAccessible(true);
      return (Comparator<?>) only.get(wrapper);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Spark's shaded Guava {@code Ordering.natural()}, or null when this Spark has none. */
  static Object shadedGuavaNatural() {
    try {
      return Class.forName("org.sparkproject.guava.collect.Ordering")
          .getMethod("natural")
          .invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
