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
import io.spillway.combine.MergerSettings;
import java.io.Serializable;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.RangePartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.math.Ordering;
import scala.math.Ordering$;
import scala.reflect.ClassTag;

/**
 * Key/value operations whose per-key state spills to disk, built from Spillway's combiners the
 * way PySpark builds them: combine locally ({@code mapPartitions} with an {@code ExternalMerger}),
 * {@code partitionBy} (a plain shuffle), merge ({@code mapPartitions} with an
 * {@code ExternalMerger}, {@code ExternalGroupBy} or {@code ExternalSorter}). The shuffle in the
 * middle carries no aggregator or ordering, so these work under any shuffle manager, Spark's
 * built-in one included; see the package documentation.
 *
 * <pre>{@code
 * JavaPairRDD<String, Long> counts = SpillwayPairRDD.of(words.mapToPair(w -> new Tuple2<>(w, 1L)))
 *     .reduceByKey(Long::sum);
 * }</pre>
 *
 * <p>From Scala, wrap an {@code RDD[(K, V)]} with {@link #of(RDD, ClassTag, ClassTag)}; Scala
 * lambdas convert to the Java function types directly, and {@link ScalaFunctions} adapts
 * existing {@code scala.Function1}/{@code Function2} values. Results are {@link JavaPairRDD}s;
 * {@code .rdd()} gives the Scala {@code RDD}.
 *
 * <p>User functions must be serializable (Spark's Java function types are). They may mutate and
 * return their first argument; they must not return null.
 *
 * <p>Instances are immutable: {@link #withSettings(MergerSettings)} returns a new wrapper.
 */
public final class SpillwayPairRDD<K, V> {

  private final JavaPairRDD<K, V> rdd;
  private final MergerSettings settings;

  private SpillwayPairRDD(JavaPairRDD<K, V> rdd, MergerSettings settings) {
    this.rdd = Objects.requireNonNull(rdd, "rdd is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
  }

  /**
   * Wraps a Java pair RDD, with {@link MergerSettings#defaults()}.
   *
   * <pre>{@code
   * SpillwayPairRDD<Integer, Long> pairs = SpillwayPairRDD.of(javaPairRdd);
   * }</pre>
   */
  public static <K, V> SpillwayPairRDD<K, V> of(JavaPairRDD<K, V> rdd) {
    return new SpillwayPairRDD<>(rdd, MergerSettings.defaults());
  }

  /**
   * Wraps a Scala {@code RDD[(K, V)]}, with {@link MergerSettings#defaults()}.
   *
   * <pre>{@code
   * // Scala: SpillwayPairRDD.of(pairs, classTag[String], classTag[Long])
   * SpillwayPairRDD<String, Long> wrapped = SpillwayPairRDD.of(scalaRdd, keyTag, valueTag);
   * }</pre>
   */
  public static <K, V> SpillwayPairRDD<K, V> of(
      RDD<Tuple2<K, V>> rdd, ClassTag<K> keyClassTag, ClassTag<V> valueClassTag) {
    Objects.requireNonNull(rdd, "rdd is null");
    Objects.requireNonNull(keyClassTag, "keyClassTag is null");
    Objects.requireNonNull(valueClassTag, "valueClassTag is null");
    return of(JavaPairRDD.fromRDD(rdd, keyClassTag, valueClassTag));
  }

  /**
   * The same RDD with other combiner settings (spill partitions, recursion cap, open files,
   * list spill threshold, file buffer).
   *
   * <pre>{@code
   * SpillwayPairRDD.of(pairs)
   *     .withSettings(MergerSettings.defaults().withListSpillThresholdBytes(1 << 20))
   *     .groupByKey();
   * }</pre>
   */
  public SpillwayPairRDD<K, V> withSettings(MergerSettings newSettings) {
    return new SpillwayPairRDD<>(rdd, newSettings);
  }

  public MergerSettings settings() {
    return settings;
  }

  /** The wrapped RDD. */
  public JavaPairRDD<K, V> toJavaPairRDD() {
    return rdd;
  }

  /** The wrapped RDD, for Scala. */
  public RDD<Tuple2<K, V>> rdd() {
    return rdd.rdd();
  }

  // ---------------------------------------------------------------- combineByKey

  /**
   * Combines each key's values into one combiner, with Spark's {@code combineByKey} contract:
   * {@code createCombiner} for a key's first value in a partition, {@code mergeValue} for the
   * next ones, {@code mergeCombiners} for combiners of the same key from different partitions.
   * With {@code mapSideCombine}, values are combined before the shuffle (worth it when keys
   * repeat within a partition). If the RDD is already partitioned by {@code partitioner}, no
   * shuffle happens.
   *
   * <pre>{@code
   * JavaPairRDD<String, long[]> countAndSum = SpillwayPairRDD.of(pairs).combineByKey(
   *     v -> new long[] {1, v},
   *     (c, v) -> { c[0]++; c[1] += v; return c; },
   *     (a, b) -> { a[0] += b[0]; a[1] += b[1]; return a; },
   *     new HashPartitioner(8), true);
   * }</pre>
   */
  public <C> JavaPairRDD<K, C> combineByKey(
      Function<V, C> createCombiner,
      Function2<C, V, C> mergeValue,
      Function2<C, C, C> mergeCombiners,
      Partitioner partitioner,
      boolean mapSideCombine) {
    Objects.requireNonNull(createCombiner, "createCombiner is null");
    Objects.requireNonNull(mergeValue, "mergeValue is null");
    Objects.requireNonNull(mergeCombiners, "mergeCombiners is null");
    Objects.requireNonNull(partitioner, "partitioner is null");
    checkKeysCanBeHashed(partitioner);
    CombineFunctions<V, C> functions =
        UserFunctions.combine(createCombiner, mergeValue, mergeCombiners);
    if (isPartitionedBy(partitioner)) {
      // Every key's records already share a partition: one merge per partition, no shuffle
      // (Spark's combineByKey takes the same shortcut).
      return rdd.mapPartitionsToPair(
          new CombineInTask<K, V, C>(functions, settings, CombineInTask.Input.VALUES), true);
    }
    if (mapSideCombine) {
      // Keys are unchanged by the local combine, so it keeps any existing partitioning.
      JavaPairRDD<K, C> combinedLocally =
          rdd.mapPartitionsToPair(
              new CombineInTask<K, V, C>(functions, settings, CombineInTask.Input.VALUES), true);
      return combinedLocally
          .partitionBy(partitioner)
          .mapPartitionsToPair(
              new CombineInTask<K, C, C>(functions, settings, CombineInTask.Input.COMBINERS), true);
    }
    return rdd.partitionBy(partitioner)
        .mapPartitionsToPair(
            new CombineInTask<K, V, C>(functions, settings, CombineInTask.Input.VALUES), true);
  }

  /**
   * {@link #combineByKey(Function, Function2, Function2, Partitioner, boolean)} with map-side
   * combine and a {@link HashPartitioner} of {@code numPartitions}.
   *
   * <pre>{@code
   * JavaPairRDD<String, List<Long>> lists = SpillwayPairRDD.of(pairs).combineByKey(
   *     v -> new ArrayList<>(List.of(v)), (c, v) -> { c.add(v); return c; },
   *     (a, b) -> { a.addAll(b); return a; }, 16);
   * }</pre>
   */
  public <C> JavaPairRDD<K, C> combineByKey(
      Function<V, C> createCombiner,
      Function2<C, V, C> mergeValue,
      Function2<C, C, C> mergeCombiners,
      int numPartitions) {
    return combineByKey(
        createCombiner, mergeValue, mergeCombiners, hashPartitioner(numPartitions), true);
  }

  /**
   * {@link #combineByKey(Function, Function2, Function2, Partitioner, boolean)} with map-side
   * combine and Spark's default partitioner for this RDD.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> max = SpillwayPairRDD.of(pairs).combineByKey(v -> v, Math::max, Math::max);
   * }</pre>
   */
  public <C> JavaPairRDD<K, C> combineByKey(
      Function<V, C> createCombiner,
      Function2<C, V, C> mergeValue,
      Function2<C, C, C> mergeCombiners) {
    return combineByKey(createCombiner, mergeValue, mergeCombiners, defaultPartitioner(), true);
  }

  // ---------------------------------------------------------------- reduceByKey

  /**
   * Merges each key's values with an associative and commutative function, combining on the
   * map side first.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).reduceByKey(Long::sum, new HashPartitioner(8));
   * }</pre>
   */
  public JavaPairRDD<K, V> reduceByKey(Function2<V, V, V> func, Partitioner partitioner) {
    Objects.requireNonNull(func, "func is null");
    return combineByKey(value -> value, func, func, partitioner, true);
  }

  /**
   * {@link #reduceByKey(Function2, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).reduceByKey(Long::sum, 8);
   * }</pre>
   */
  public JavaPairRDD<K, V> reduceByKey(Function2<V, V, V> func, int numPartitions) {
    return reduceByKey(func, hashPartitioner(numPartitions));
  }

  /**
   * {@link #reduceByKey(Function2, Partitioner)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).reduceByKey(Long::sum);
   * }</pre>
   */
  public JavaPairRDD<K, V> reduceByKey(Function2<V, V, V> func) {
    return reduceByKey(func, defaultPartitioner());
  }

  // ---------------------------------------------------------------- aggregateByKey

  /**
   * Aggregates each key's values into a result of another type, starting every key from its own
   * copy of {@code zeroValue} (serialized once with the job's serializer, deserialized per key,
   * so the functions may mutate it): {@code seqFunc} folds values within a partition,
   * {@code combFunc} merges partial results.
   *
   * <pre>{@code
   * JavaPairRDD<String, Set<Long>> distinct = SpillwayPairRDD.of(pairs).aggregateByKey(
   *     new HashSet<Long>(), new HashPartitioner(8),
   *     (set, v) -> { set.add(v); return set; },
   *     (a, b) -> { a.addAll(b); return a; });
   * }</pre>
   */
  public <U> JavaPairRDD<K, U> aggregateByKey(
      U zeroValue,
      Partitioner partitioner,
      Function2<U, V, U> seqFunc,
      Function2<U, U, U> combFunc) {
    Objects.requireNonNull(seqFunc, "seqFunc is null");
    Objects.requireNonNull(combFunc, "combFunc is null");
    ZeroValue<U> zero = ZeroValue.capture(zeroValue);
    return combineByKey(
        UserFunctions.startFromZero(zero, seqFunc), seqFunc, combFunc, partitioner, true);
  }

  /**
   * {@link #aggregateByKey(Object, Partitioner, Function2, Function2)} into
   * {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).aggregateByKey(0L, 8, Long::sum, Long::sum);
   * }</pre>
   */
  public <U> JavaPairRDD<K, U> aggregateByKey(
      U zeroValue, int numPartitions, Function2<U, V, U> seqFunc, Function2<U, U, U> combFunc) {
    return aggregateByKey(zeroValue, hashPartitioner(numPartitions), seqFunc, combFunc);
  }

  /**
   * {@link #aggregateByKey(Object, Partitioner, Function2, Function2)} with Spark's default
   * partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).aggregateByKey(0L, Long::sum, Long::sum);
   * }</pre>
   */
  public <U> JavaPairRDD<K, U> aggregateByKey(
      U zeroValue, Function2<U, V, U> seqFunc, Function2<U, U, U> combFunc) {
    return aggregateByKey(zeroValue, defaultPartitioner(), seqFunc, combFunc);
  }

  // ---------------------------------------------------------------- foldByKey

  /**
   * Folds each key's values with an associative function, starting every key (in every
   * partition) from its own copy of {@code zeroValue}, which should be neutral for {@code func}.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).foldByKey(0L, new HashPartitioner(8), Long::sum);
   * }</pre>
   */
  public JavaPairRDD<K, V> foldByKey(
      V zeroValue, Partitioner partitioner, Function2<V, V, V> func) {
    Objects.requireNonNull(func, "func is null");
    ZeroValue<V> zero = ZeroValue.capture(zeroValue);
    return combineByKey(UserFunctions.startFromZero(zero, func), func, func, partitioner, true);
  }

  /**
   * {@link #foldByKey(Object, Partitioner, Function2)} into {@code numPartitions} hash
   * partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).foldByKey(0L, 8, Long::sum);
   * }</pre>
   */
  public JavaPairRDD<K, V> foldByKey(V zeroValue, int numPartitions, Function2<V, V, V> func) {
    return foldByKey(zeroValue, hashPartitioner(numPartitions), func);
  }

  /**
   * {@link #foldByKey(Object, Partitioner, Function2)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> sums = SpillwayPairRDD.of(pairs).foldByKey(0L, Long::sum);
   * }</pre>
   */
  public JavaPairRDD<K, V> foldByKey(V zeroValue, Function2<V, V, V> func) {
    return foldByKey(zeroValue, defaultPartitioner(), func);
  }

  // ---------------------------------------------------------------- groupByKey

  /**
   * Groups each key's values. Each group is a re-iterable {@link Iterable} that keeps a bounded
   * part of its values in memory and the rest on disk, so a single key may have more values
   * than the task's memory. No map-side combine (it would not shrink the data), as in Spark.
   *
   * <p>The groups are valid inside the task that produced them (the stage reading the
   * {@code groupByKey} output): their spilled values live in temporary files that are deleted
   * when the task ends. To send whole groups out of the task ({@code collect}, {@code take},
   * caching), map them to a collection first, e.g. {@code mapValues(v -> copyToList(v))}.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> counts = SpillwayPairRDD.of(pairs)
   *     .groupByKey(new HashPartitioner(8))
   *     .mapValues(values -> { long n = 0; for (Long ignored : values) n++; return n; });
   * }</pre>
   */
  public JavaPairRDD<K, Iterable<V>> groupByKey(Partitioner partitioner) {
    Objects.requireNonNull(partitioner, "partitioner is null");
    checkKeysCanBeHashed(partitioner);
    GroupInTask<K, V> group = new GroupInTask<>(settings);
    if (isPartitionedBy(partitioner)) {
      return rdd.mapPartitionsToPair(group, true);
    }
    return rdd.partitionBy(partitioner).mapPartitionsToPair(group, true);
  }

  /**
   * {@link #groupByKey(Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Iterable<Long>> groups = SpillwayPairRDD.of(pairs).groupByKey(8);
   * }</pre>
   */
  public JavaPairRDD<K, Iterable<V>> groupByKey(int numPartitions) {
    return groupByKey(hashPartitioner(numPartitions));
  }

  /**
   * {@link #groupByKey(Partitioner)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Iterable<Long>> groups = SpillwayPairRDD.of(pairs).groupByKey();
   * }</pre>
   */
  public JavaPairRDD<K, Iterable<V>> groupByKey() {
    return groupByKey(defaultPartitioner());
  }

  // ---------------------------------------------------------------- sortByKey

  /**
   * Sorts the records by key: a {@link RangePartitioner} (which samples this RDD, one job, as
   * Spark's {@code sortByKey} does) sends each key range to one partition, and each partition
   * is sorted by an external sorter that spills sorted runs and merges them. Keys must not be
   * null unless {@code comparator} orders nulls. Records with equal keys come out in no
   * particular order.
   *
   * <pre>{@code
   * JavaPairRDD<String, Long> byLength = SpillwayPairRDD.of(pairs).sortByKey(
   *     (Comparator<String> & Serializable) (a, b) -> Integer.compare(a.length(), b.length()), true, 8);
   * }</pre>
   *
   * @param comparator the key order; must be {@link Serializable}
   */
  public JavaPairRDD<K, V> sortByKey(
      Comparator<K> comparator, boolean ascending, int numPartitions) {
    Objects.requireNonNull(comparator, "comparator is null");
    if (!(comparator instanceof Serializable)) {
      throw new IllegalArgumentException(
          "sortByKey needs a Serializable comparator (it is shipped with the tasks), got "
              + comparator.getClass().getName());
    }
    checkNumPartitions(numPartitions);
    Ordering<K> ordering = Ordering$.MODULE$.comparatorToOrdering(comparator);
    RangePartitioner<K, V> partitioner =
        new RangePartitioner<>(numPartitions, rdd.rdd(), ascending, ordering, rdd.kClassTag());
    // The range partitioner already lays out partitions in descending order when asked; within
    // a partition the sorter needs the same direction.
    Comparator<K> partitionOrder = ascending ? comparator : Collections.reverseOrder(comparator);
    return rdd.partitionBy(partitioner)
        .mapPartitionsToPair(new SortInTask<>(partitionOrder, settings), true);
  }

  /**
   * {@link #sortByKey(Comparator, boolean, int)} by the keys' natural order.
   *
   * <pre>{@code
   * JavaPairRDD<Integer, String> descending = SpillwayPairRDD.of(pairs).sortByKey(false, 8);
   * }</pre>
   */
  public JavaPairRDD<K, V> sortByKey(boolean ascending, int numPartitions) {
    return sortByKey(naturalOrder(), ascending, numPartitions);
  }

  /**
   * {@link #sortByKey(Comparator, boolean, int)} by the keys' natural order, keeping the number
   * of partitions.
   *
   * <pre>{@code
   * JavaPairRDD<Integer, String> descending = SpillwayPairRDD.of(pairs).sortByKey(false);
   * }</pre>
   */
  public JavaPairRDD<K, V> sortByKey(boolean ascending) {
    return sortByKey(ascending, rdd.getNumPartitions());
  }

  /**
   * Ascending {@link #sortByKey(Comparator, boolean, int)} by the keys' natural order, keeping
   * the number of partitions.
   *
   * <pre>{@code
   * JavaPairRDD<Integer, String> sorted = SpillwayPairRDD.of(pairs).sortByKey();
   * }</pre>
   */
  public JavaPairRDD<K, V> sortByKey() {
    return sortByKey(true);
  }

  // ---------------------------------------------------------------- cogroup and joins

  /**
   * Groups the values of this RDD and {@code other} by key: every key of either side once, with
   * its values from this side and from {@code other}. Built on the group-by of
   * {@link #groupByKey(Partitioner)}: each side is shuffled by {@code partitioner} (a side
   * already partitioned by it is not shuffled again), its values tagged with their side, and
   * both sides of a key are grouped into one spilling list, so one key may have more values than
   * the task's memory and a null key is grouped like any other (Spark's {@code cogroup} and
   * joins group in an {@code ExternalAppendOnlyMap}, which returns a null key's neighbours twice
   * when it spills). The two {@code Iterable}s are views of that list with the lifetime described
   * on {@link #groupByKey(Partitioner)}.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Iterable<Long>, Iterable<String>>> both =
   *     SpillwayPairRDD.of(clicks).cogroup(names, new HashPartitioner(8));
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(
      JavaPairRDD<K, W> other, Partitioner partitioner) {
    return coGrouped(other, partitioner).mapValues(CoGroupedValues::bothSides);
  }

  /**
   * {@link #cogroup(JavaPairRDD, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Iterable<Long>, Iterable<String>>> both = SpillwayPairRDD.of(clicks).cogroup(names, 8);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(
      JavaPairRDD<K, W> other, int numPartitions) {
    return cogroup(other, hashPartitioner(numPartitions));
  }

  /**
   * {@link #cogroup(JavaPairRDD, Partitioner)} with Spark's default partitioner for both RDDs.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Iterable<Long>, Iterable<String>>> both = SpillwayPairRDD.of(clicks).cogroup(names);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(JavaPairRDD<K, W> other) {
    return cogroup(other, defaultPartitioner(other));
  }

  /**
   * Every pair of a value of this RDD and a value of {@code other} with the same key, null keys
   * included, grouped as {@link #cogroup(JavaPairRDD, Partitioner)} groups. Per key, the side with
   * fewer values is the outer loop and the other side is read again for each of its values, from
   * memory or from the group's file: a key may have more values than memory on both sides.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, String>> joined = SpillwayPairRDD.of(clicks).join(names, new HashPartitioner(8));
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, W>> join(JavaPairRDD<K, W> other, Partitioner partitioner) {
    return coGrouped(other, partitioner).flatMapValues(CoGroupedValues::innerPairs);
  }

  /**
   * {@link #join(JavaPairRDD, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, String>> joined = SpillwayPairRDD.of(clicks).join(names, 8);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, W>> join(JavaPairRDD<K, W> other, int numPartitions) {
    return join(other, hashPartitioner(numPartitions));
  }

  /**
   * {@link #join(JavaPairRDD, Partitioner)} with Spark's default partitioner for both RDDs.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, String>> joined = SpillwayPairRDD.of(clicks).join(names);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, W>> join(JavaPairRDD<K, W> other) {
    return join(other, defaultPartitioner(other));
  }

  /**
   * {@link #join(JavaPairRDD, Partitioner)}, plus every value of this RDD whose key has no value
   * in {@code other}, paired with {@link Optional#empty()}. As in Spark's Java API, a null value of
   * {@code other} cannot be wrapped ({@code Optional.of} rejects it).
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, Optional<String>>> joined =
   *     SpillwayPairRDD.of(clicks).leftOuterJoin(names, new HashPartitioner(8));
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, Optional<W>>> leftOuterJoin(
      JavaPairRDD<K, W> other, Partitioner partitioner) {
    return coGrouped(other, partitioner).flatMapValues(CoGroupedValues::leftOuterPairs);
  }

  /**
   * {@link #leftOuterJoin(JavaPairRDD, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, Optional<String>>> joined = SpillwayPairRDD.of(clicks).leftOuterJoin(names, 8);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, Optional<W>>> leftOuterJoin(
      JavaPairRDD<K, W> other, int numPartitions) {
    return leftOuterJoin(other, hashPartitioner(numPartitions));
  }

  /**
   * {@link #leftOuterJoin(JavaPairRDD, Partitioner)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Long, Optional<String>>> joined = SpillwayPairRDD.of(clicks).leftOuterJoin(names);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<V, Optional<W>>> leftOuterJoin(JavaPairRDD<K, W> other) {
    return leftOuterJoin(other, defaultPartitioner(other));
  }

  /**
   * {@link #join(JavaPairRDD, Partitioner)}, plus every value of {@code other} whose key has no
   * value in this RDD, paired with {@link Optional#empty()}.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, String>> joined =
   *     SpillwayPairRDD.of(clicks).rightOuterJoin(names, new HashPartitioner(8));
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, W>> rightOuterJoin(
      JavaPairRDD<K, W> other, Partitioner partitioner) {
    return coGrouped(other, partitioner).flatMapValues(CoGroupedValues::rightOuterPairs);
  }

  /**
   * {@link #rightOuterJoin(JavaPairRDD, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, String>> joined = SpillwayPairRDD.of(clicks).rightOuterJoin(names, 8);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, W>> rightOuterJoin(
      JavaPairRDD<K, W> other, int numPartitions) {
    return rightOuterJoin(other, hashPartitioner(numPartitions));
  }

  /**
   * {@link #rightOuterJoin(JavaPairRDD, Partitioner)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, String>> joined = SpillwayPairRDD.of(clicks).rightOuterJoin(names);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, W>> rightOuterJoin(JavaPairRDD<K, W> other) {
    return rightOuterJoin(other, defaultPartitioner(other));
  }

  /**
   * {@link #join(JavaPairRDD, Partitioner)}, plus every value of either side whose key has no
   * value on the other side, paired with {@link Optional#empty()}.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, Optional<String>>> joined =
   *     SpillwayPairRDD.of(clicks).fullOuterJoin(names, new HashPartitioner(8));
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(
      JavaPairRDD<K, W> other, Partitioner partitioner) {
    return coGrouped(other, partitioner).flatMapValues(CoGroupedValues::fullOuterPairs);
  }

  /**
   * {@link #fullOuterJoin(JavaPairRDD, Partitioner)} into {@code numPartitions} hash partitions.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, Optional<String>>> joined = SpillwayPairRDD.of(clicks).fullOuterJoin(names, 8);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(
      JavaPairRDD<K, W> other, int numPartitions) {
    return fullOuterJoin(other, hashPartitioner(numPartitions));
  }

  /**
   * {@link #fullOuterJoin(JavaPairRDD, Partitioner)} with Spark's default partitioner.
   *
   * <pre>{@code
   * JavaPairRDD<String, Tuple2<Optional<Long>, Optional<String>>> joined = SpillwayPairRDD.of(clicks).fullOuterJoin(names);
   * }</pre>
   */
  public <W> JavaPairRDD<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(
      JavaPairRDD<K, W> other) {
    return fullOuterJoin(other, defaultPartitioner(other));
  }

  /**
   * Both sides by {@code partitioner}, values tagged with their side, grouped per key. A union of
   * two RDDs with the same partitioner is a {@code PartitionerAwareUnionRDD}: partition i of the
   * union reads partition i of each side, so the group-by sees both sides of every key it owns.
   */
  private <W> JavaPairRDD<K, CoGroupedValues<V, W>> coGrouped(
      JavaPairRDD<K, W> other, Partitioner partitioner) {
    Objects.requireNonNull(other, "other is null");
    Objects.requireNonNull(partitioner, "partitioner is null");
    checkKeysCanBeHashed(partitioner);
    JavaPairRDD<K, TaggedValue> left = partitionedBy(rdd, partitioner).mapValues(TaggedValue::left);
    JavaPairRDD<K, TaggedValue> right =
        partitionedBy(other, partitioner).mapValues(TaggedValue::right);
    JavaPairRDD<K, Iterable<TaggedValue>> grouped =
        left.union(right).mapPartitionsToPair(new GroupInTask<K, TaggedValue>(settings), true);
    return grouped.mapValues(CoGroupedValues::new);
  }

  private static <K, T> JavaPairRDD<K, T> partitionedBy(
      JavaPairRDD<K, T> side, Partitioner partitioner) {
    boolean already =
        side.partitioner().isPresent() && side.partitioner().get().equals(partitioner);
    return already ? side : side.partitionBy(partitioner);
  }

  // ---------------------------------------------------------------- helpers

  /** Natural order; {@code Comparator.naturalOrder()} is an enum, hence serializable. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <K> Comparator<K> naturalOrder() {
    return (Comparator<K>) (Comparator) Comparator.naturalOrder();
  }

  private boolean isPartitionedBy(Partitioner partitioner) {
    return rdd.partitioner().isPresent() && rdd.partitioner().get().equals(partitioner);
  }

  // Scala's varargs parameter (others: RDD[_]*) is a raw Seq to javac
  @SuppressWarnings("unchecked")
  private Partitioner defaultPartitioner() {
    return Partitioner.defaultPartitioner(
        rdd.rdd(), scala.collection.immutable.Seq$.MODULE$.<RDD<?>>empty());
  }

  private Partitioner defaultPartitioner(JavaPairRDD<?, ?> other) {
    Objects.requireNonNull(other, "other is null");
    return Partitioner.defaultPartitioner(
        rdd.rdd(),
        scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.<RDD<?>>of(other.rdd()))
            .toSeq());
  }

  private static Partitioner hashPartitioner(int numPartitions) {
    checkNumPartitions(numPartitions);
    return new HashPartitioner(numPartitions);
  }

  private static void checkNumPartitions(int numPartitions) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("numPartitions must be at least 1, got " + numPartitions);
    }
  }

  /**
   * Arrays hash by identity, so equal array keys would land in different partitions and
   * different combiners; Spark rejects them for the same reason.
   */
  private void checkKeysCanBeHashed(Partitioner partitioner) {
    Class<?> keyClass = rdd.kClassTag().runtimeClass();
    if (keyClass.isArray()) {
      throw new IllegalArgumentException(
          "keys of type "
              + keyClass.getSimpleName()
              + " are arrays, which hash by identity; combining and grouping need keys with value equality"
              + " (partitioner "
              + partitioner
              + ")");
    }
  }
}
