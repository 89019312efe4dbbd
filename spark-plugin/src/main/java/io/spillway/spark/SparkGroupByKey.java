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

import org.apache.spark.Aggregator;
import org.apache.spark.util.collection.CompactBuffer;

/**
 * Recognises the aggregator of Spark's own {@code groupByKey}, so that the reader can group a
 * key's values into a spillable list instead of running Spark's "append to one in-memory buffer"
 * functions (which fail on a key larger than memory).
 *
 * <p>How, without calling anything a user wrote: Spark's {@code createCombiner} is the lambda
 * {@code (v: V) => CompactBuffer(v)} defined in {@code PairRDDFunctions.groupByKey} (so its class
 * is a lambda class of {@code PairRDDFunctions}), and applying it to the first value returns a
 * {@code CompactBuffer}. Every path to it is recognised: Scala {@code rdd.groupByKey}, {@code
 * JavaPairRDD.groupByKey} (which calls it) and the SQL operators built on it. The other lambdas
 * {@code PairRDDFunctions} defines ({@code aggregateByKey}, {@code foldByKey}) return the user's
 * zero value, a copy of which is never a {@code CompactBuffer}: that class is {@code
 * private[spark]}, so a Scala user cannot construct one, and a Java user's function is not a
 * {@code PairRDDFunctions} lambda. When both hold, the functions are Spark's. The caller passes
 * the combiner it created anyway, so no user function runs one time more than in Spark.
 *
 * <p>The one case it takes for {@code groupByKey} by mistake: a Java caller that passes Spark's
 * private {@code CompactBuffer} itself as {@code aggregateByKey}'s zero value. Such a job should
 * switch the detection off.
 *
 * <p>A heuristic on Spark's internals: off with {@code spark.spillway.read.groupByKeyDetection
 * = false}. A Spark version that defines the lambda elsewhere is simply not recognised, which
 * costs only the spilling group.
 */
public final class SparkGroupByKey {
  private SparkGroupByKey() {}

  /** The class-name prefix of the lambdas {@code PairRDDFunctions} defines. */
  static final String GROUP_BY_KEY_LAMBDA_PREFIX = "org.apache.spark.rdd.PairRDDFunctions$$Lambda";

  /**
   * Whether {@code aggregator} is Spark's {@code groupByKey} aggregator, given the combiner its
   * {@code createCombiner} returned for the first value.
   */
  public static boolean isSparkGroupByKey(Aggregator<?, ?, ?> aggregator, Object firstCombiner) {
    return firstCombiner instanceof CompactBuffer
        && aggregator.createCombiner().getClass().getName().startsWith(GROUP_BY_KEY_LAMBDA_PREFIX);
  }
}
