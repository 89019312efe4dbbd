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
package io.spillway.rdd;

import io.spillway.combine.CombineFunctions;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;

/**
 * Adapts the user's Spark Java functions ({@code call} may throw any {@link Exception}) to the
 * combiner's functional interfaces. Every lambda here targets a {@code Serializable} interface
 * and captures only serializable user functions, so it travels with the task.
 */
final class UserFunctions {

  private UserFunctions() {}

  static <V, C> CombineFunctions<V, C> combine(
      Function<V, C> createCombiner,
      Function2<C, V, C> mergeValue,
      Function2<C, C, C> mergeCombiners) {
    return new CombineFunctions<>(
        value -> call(createCombiner, value),
        (combiner, value) -> call(mergeValue, combiner, value),
        (left, right) -> call(mergeCombiners, left, right));
  }

  /** {@code value -> seqFunc(copy of zero, value)}: each key starts from its own zero. */
  static <U, V> Function<V, U> startFromZero(ZeroValue<U> zero, Function2<U, V, U> seqFunc) {
    return value -> seqFunc.call(zero.copy(), value);
  }

  static <T, R> R call(Function<T, R> function, T argument) {
    try {
      return function.call(argument);
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  static <A, B, R> R call(Function2<A, B, R> function, A first, B second) {
    try {
      return function.call(first, second);
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * Rethrows the user's exception unchanged, checked or not, as Spark's own Java API does (a
   * Scala closure calling {@code f.call}); wrapping it would change what the task failure shows.
   */
  static RuntimeException rethrow(Exception e) {
    throw UserFunctions.<RuntimeException>sneakyThrow(e);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneakyThrow(Exception e) throws E {
    throw (E) e;
  }
}
