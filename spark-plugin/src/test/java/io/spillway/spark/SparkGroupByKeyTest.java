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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.SpillwayShuffleManager;
import io.spillway.combine.ExternalList;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Aggregator;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PairRDDFunctions;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.RDD$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.collection.CompactBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Function1;
import scala.Function2;
import scala.Tuple2;
import scala.collection.mutable.ArrayBuffer;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@link SparkGroupByKey} on the aggregators Spark's own API paths create (built, not run): every
 * way to reach Spark's {@code groupByKey} is recognised, every other aggregation is not, even one
 * whose combiner is a collection. And the reader follows the switch,
 * {@code spark.spillway.read.groupByKeyDetection}.
 */
class SparkGroupByKeyTest {
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.Object();

  private static SparkSession session;
  private static JavaSparkContext jsc;

  @BeforeAll
  static void start() {
    session =
        SparkSession.builder()
            .master("local[2]")
            .appName("spark-group-by-key")
            .config("spark.ui.enabled", "false")
            .config("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .config("spark.unsafe.exceptionOnMemoryLeak", "true")
            .getOrCreate();
    jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
  }

  @AfterAll
  static void stop() {
    session.stop();
  }

  private static JavaPairRDD<String, Integer> pairs() {
    return jsc.parallelizePairs(List.of(new Tuple2<>("a", 1), new Tuple2<>("b", 2)), 2);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static PairRDDFunctions<String, Integer> scalaPairs() {
    return RDD$.MODULE$.rddToPairRDDFunctions((RDD) pairs().rdd(), OBJECT, OBJECT, null);
  }

  /** Whether the aggregator of {@code rdd}'s shuffle is taken for Spark's groupByKey. */
  @SuppressWarnings("unchecked")
  private static boolean recognised(RDD<?> rdd, Object firstValue) {
    Aggregator<Object, Object, Object> aggregator =
        (Aggregator<Object, Object, Object>) SparkRdds.shuffleOf(rdd).aggregator().get();
    return SparkGroupByKey.isSparkGroupByKey(
        aggregator, aggregator.createCombiner().apply(firstValue));
  }

  @Test
  void scalaGroupByKeyIsRecognisedInEveryOverload() {
    assertTrue(recognised(scalaPairs().groupByKey(), 1));
    assertTrue(recognised(scalaPairs().groupByKey(3), 1));
    assertTrue(recognised(scalaPairs().groupByKey(new HashPartitioner(3)), 1));
  }

  @Test
  void scalaGroupByIsRecognised() {
    RDD<?> grouped =
        pairs()
            .rdd()
            .groupBy(
                (Function1<Tuple2<String, Integer>, Object> & Serializable) t -> t._1(), OBJECT);
    assertTrue(recognised(grouped, new Tuple2<>("a", 1)));
  }

  @Test
  void javaGroupByKeyAndGroupByAreRecognised() {
    assertTrue(recognised(pairs().groupByKey().rdd(), 1));
    assertTrue(recognised(pairs().groupByKey(3).rdd(), 1));
    JavaRDD<Integer> values = jsc.parallelize(List.of(1, 2, 3), 2);
    assertTrue(recognised(values.groupBy(v -> v % 2).rdd(), 1));
  }

  @Test
  void sqlRowsGroupedThroughTheirRddAreRecognised() {
    JavaRDD<Row> rows = session.range(10).toDF("id").javaRDD();
    assertTrue(recognised(rows.groupBy(row -> row.getLong(0) % 3).rdd(), rows.first()));
    JavaPairRDD<Long, Row> keyed = rows.keyBy(row -> row.getLong(0) % 3);
    assertTrue(recognised(keyed.groupByKey().rdd(), rows.first()));
  }

  @Test
  void aggregateByKeyWithACollectionZeroValueIsNot() {
    // Java: the zero value is a list, the functions append
    JavaPairRDD<String, ArrayList<Integer>> javaLists =
        pairs()
            .aggregateByKey(
                new ArrayList<>(),
                (list, v) -> {
                  list.add(v);
                  return list;
                },
                (left, right) -> {
                  left.addAll(right);
                  return left;
                });
    assertFalse(recognised(javaLists.rdd(), 1));
    // Scala: the zero value is an ArrayBuffer; the combiner is a PairRDDFunctions lambda
    RDD<?> scalaLists =
        scalaPairs()
            .aggregateByKey(
                new ArrayBuffer<Object>(),
                (Function2<ArrayBuffer<Object>, Integer, ArrayBuffer<Object>> & Serializable)
                    (buffer, v) -> buffer.addOne(v),
                (Function2<ArrayBuffer<Object>, ArrayBuffer<Object>, ArrayBuffer<Object>>
                        & Serializable)
                    (left, right) -> left.addAll(right),
                ClassTag$.MODULE$.apply(ArrayBuffer.class));
    assertFalse(recognised(scalaLists, 1));
  }

  @Test
  void otherAggregationsAreNot() {
    assertFalse(recognised(pairs().reduceByKey(Integer::sum).rdd(), 1));
    assertFalse(recognised(pairs().foldByKey(0, Integer::sum).rdd(), 1));
    assertFalse(
        recognised(
            scalaPairs()
                .foldByKey(
                    0, 2, (Function2<Integer, Integer, Integer> & Serializable) (a, b) -> a + b),
            1));
    // a user's combiner that returns Spark's own buffer class is not Spark's lambda
    JavaPairRDD<String, CompactBuffer<Integer>> userBuffers =
        pairs()
            .combineByKey(
                v -> {
                  CompactBuffer<Integer> buffer =
                      new CompactBuffer<>(ClassTag$.MODULE$.apply(Integer.class));
                  buffer.$plus$eq(v);
                  return buffer;
                },
                (buffer, v) -> buffer.$plus$eq(v),
                (left, right) -> left.$plus$plus$eq(right));
    assertFalse(recognised(userBuffers.rdd(), 1));
  }

  @Test
  void theReaderGroupsRecognisedGroupsIntoSpillableLists() {
    List<Tuple2<String, Iterable<Integer>>> groups = pairs().groupByKey().collect();
    assertEquals(2, groups.size());
    for (Tuple2<String, Iterable<Integer>> group : groups) {
      assertTrue(group._2() instanceof ExternalList, group._2().getClass().getName());
    }
  }
}
