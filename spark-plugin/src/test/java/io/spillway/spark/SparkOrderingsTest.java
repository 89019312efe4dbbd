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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.SpillwayShuffleManager;
import io.spillway.sort.KeyPrefix;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.OrderedRDDFunctions;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.math.Ordering;
import scala.math.Ordering$;
import scala.reflect.ClassTag$;

/**
 * {@link SparkOrderings} on the orderings themselves and on what Spark's {@code sortByKey} paths
 * pass (built, not run): Java's natural order, Spark's shaded Guava one and Scala's wrapper around
 * either are natural; a wrapper around anything else, or anything else, is not.
 */
class SparkOrderingsTest {

  @Test
  void naturalOrdersAreRecognisedWrappedOrNot() {
    Object guava = SparkOrderings.shadedGuavaNatural();
    assertNotNull(guava, "Spark's shaded Guava is on the class path");
    assertTrue(SparkOrderings.isNaturalOrder(Comparator.naturalOrder()));
    assertTrue(SparkOrderings.isNaturalOrder((Comparator<?>) guava));
    assertTrue(
        SparkOrderings.isNaturalOrder(
            Ordering$.MODULE$.comparatorToOrdering(Comparator.<String>naturalOrder())));
    @SuppressWarnings("unchecked")
    Comparator<String> guavaNatural = (Comparator<String>) guava;
    Ordering<String> wrapped = Ordering$.MODULE$.comparatorToOrdering(guavaNatural);
    assertSame(guava, SparkOrderings.wrappedComparator(wrapped));
    assertTrue(SparkOrderings.isNaturalOrder(wrapped));
  }

  @Test
  void otherOrdersAreNot() {
    assertFalse(SparkOrderings.isNaturalOrder(Comparator.reverseOrder()));
    assertFalse(SparkOrderings.isNaturalOrder(Comparator.comparing(Object::toString)));
    assertFalse(
        SparkOrderings.isNaturalOrder(
            Ordering$.MODULE$.comparatorToOrdering(
                Comparator.<String>comparingInt(String::length))));
    // Scala's own orderings are known to KeyPrefix by identity, not through this class
    assertFalse(SparkOrderings.isNaturalOrder(Ordering.String$.MODULE$));
  }

  @Test
  void theOrderingsOfJavaAndScalaSortByKeyGetKeyPrefixes() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[1]")
            .setAppName("spark-orderings")
            .set("spark.ui.enabled", "false")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName());
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      JavaPairRDD<String, Integer> pairs =
          jsc.parallelizePairs(List.of(new Tuple2<>("b", 1), new Tuple2<>("a", 2)), 2);
      // JavaPairRDD.sortByKey: Guava's natural order inside Scala's wrapper
      Comparator<?> javaAscending = keyOrdering(pairs.sortByKey(true).rdd());
      assertTrue(SparkOrderings.isNaturalOrder(javaAscending), javaAscending.getClass().getName());
      assertNotNull(KeyPrefix.forOrdering(javaAscending));
      assertNotNull(KeyPrefix.forOrdering(keyOrdering(pairs.sortByKey(false).rdd())));
      // Scala rdd.sortByKey: Ordering.String, reversed for descending
      @SuppressWarnings({"unchecked", "rawtypes"})
      OrderedRDDFunctions<String, Integer, Tuple2<String, Integer>> scala =
          new OrderedRDDFunctions(
              pairs.rdd(),
              Ordering.String$.MODULE$,
              ClassTag$.MODULE$.apply(String.class),
              ClassTag$.MODULE$.apply(Integer.class),
              ClassTag$.MODULE$.apply(Tuple2.class));
      assertNotNull(KeyPrefix.forOrdering(keyOrdering(scala.sortByKey(true, 2))));
      assertNotNull(KeyPrefix.forOrdering(keyOrdering(scala.sortByKey(false, 2))));
    }
  }

  private static Comparator<?> keyOrdering(RDD<?> sorted) {
    return SparkRdds.shuffleOf(sorted).keyOrdering().get();
  }
}
