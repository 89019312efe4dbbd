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
