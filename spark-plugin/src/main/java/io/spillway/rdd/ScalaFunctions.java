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

import java.util.Objects;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;

/**
 * Adapters from Scala function values to the Java function types {@link SpillwayPairRDD}
 * takes. Scala lambdas written at the call site convert by themselves; these are for function
 * values that already exist. The adapters are serializable when the Scala function is (Scala
 * function literals are).
 *
 * <pre>{@code
 * // Scala: val add: (Long, Long) => Long = _ + _
 * //        SpillwayPairRDD.of(pairs, classTag[String], classTag[Long]).reduceByKey(ScalaFunctions.function2(add))
 * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).reduceByKey(ScalaFunctions.function2(add));
 * }</pre>
 */
public final class ScalaFunctions {

  private ScalaFunctions() {}

  public static <T, R> Function<T, R> function(scala.Function1<T, R> function) {
    Objects.requireNonNull(function, "function is null");
    return function::apply;
  }

  public static <A, B, R> Function2<A, B, R> function2(scala.Function2<A, B, R> function) {
    Objects.requireNonNull(function, "function is null");
    return function::apply;
  }
}
