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
package io.spillway.combine;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.Aggregator;
import scala.Product2;
import scala.Tuple2;

/**
 * The three functions that combine values into combiners, as in Spark's {@link Aggregator}:
 * {@code createCombiner(value)}, {@code mergeValue(combiner, value)} and
 * {@code mergeCombiners(combiner, combiner)}. They may mutate and return their first argument.
 * Combiners must not be null. Every piece is {@link Serializable} so the functions can travel
 * with a task.
 */
public final class CombineFunctions<V, C> implements Serializable {

  private static final long serialVersionUID = 1L;

  @FunctionalInterface
  public interface CreateCombiner<V, C> extends Serializable {
    C apply(V value);
  }

  @FunctionalInterface
  public interface MergeValue<C, V> extends Serializable {
    C apply(C combiner, V value);
  }

  @FunctionalInterface
  public interface MergeCombiners<C> extends Serializable {
    C apply(C left, C right);
  }

  private final CreateCombiner<V, C> createCombiner;
  private final MergeValue<C, V> mergeValue;
  private final MergeCombiners<C> mergeCombiners;

  public CombineFunctions(
      CreateCombiner<V, C> createCombiner,
      MergeValue<C, V> mergeValue,
      MergeCombiners<C> mergeCombiners) {
    this.createCombiner = Objects.requireNonNull(createCombiner, "createCombiner is null");
    this.mergeValue = Objects.requireNonNull(mergeValue, "mergeValue is null");
    this.mergeCombiners = Objects.requireNonNull(mergeCombiners, "mergeCombiners is null");
  }

  /**
   * Stands for a null combiner inside the combiners' maps, where null means "absent". Spark
   * allows null combiners: {@code distinct} is {@code map(x => (x, null)).reduceByKey((x, _) =>
   * x)}. An enum, so that every serializer (Java, Kryo) reads back the same instance from a spill.
   */
  public enum NullCombiner {
    INSTANCE
  }

  /** A combiner as the maps store it: null becomes {@link NullCombiner#INSTANCE}. */
  public static Object maskNull(Object combiner) {
    return combiner == null ? NullCombiner.INSTANCE : combiner;
  }

  /** A stored combiner as Spark's functions and the shuffle see it. */
  @SuppressWarnings("unchecked")
  public static <C> C unmaskNull(Object stored) {
    return stored == NullCombiner.INSTANCE ? null : (C) stored;
  }

  /**
   * {@code record} with its combiner masked ({@link #maskNull}): the record itself unless its
   * combiner is null or it is not a {@code Tuple2}. Once per shuffled record, so it does not
   * allocate a copy for the records that need none.
   */
  @SuppressWarnings("unchecked")
  public static <K> Tuple2<K, Object> withMaskedCombiner(Product2<K, ?> record) {
    Object combiner = record._2();
    return combiner != null && record instanceof Tuple2
        ? (Tuple2<K, Object>) record
        : new Tuple2<>(record._1(), maskNull(combiner));
  }

  /** The reverse of {@link #withMaskedCombiner}: a copy only for a masked null combiner. */
  @SuppressWarnings("unchecked")
  public static <K, C> Tuple2<K, C> withUnmaskedCombiner(Tuple2<K, ?> record) {
    return record._2() == NullCombiner.INSTANCE
        ? new Tuple2<>(record._1(), null)
        : (Tuple2<K, C>) record;
  }

  /**
   * Adapts a Spark {@link Aggregator} (the dependency's). Its combiners may be null, so the
   * adapted functions take and return combiners masked with {@link #maskNull}: callers mask the
   * combiners they insert ({@code mergeCombiners} input) and unmask the ones they hand on.
   */
  public static <K, V, C> CombineFunctions<V, Object> fromAggregator(
      Aggregator<K, V, C> aggregator) {
    Objects.requireNonNull(aggregator, "aggregator is null");
    return new CombineFunctions<>(
        value -> maskNull(aggregator.createCombiner().apply(value)),
        (combiner, value) -> maskNull(aggregator.mergeValue().apply(unmaskNull(combiner), value)),
        (left, right) ->
            maskNull(aggregator.mergeCombiners().apply(unmaskNull(left), unmaskNull(right))));
  }

  C createCombiner(V value) {
    return Objects.requireNonNull(createCombiner.apply(value), "createCombiner returned null");
  }

  C mergeValue(C combiner, V value) {
    return Objects.requireNonNull(mergeValue.apply(combiner, value), "mergeValue returned null");
  }

  C mergeCombiners(C left, C right) {
    return Objects.requireNonNull(
        mergeCombiners.apply(left, right), "mergeCombiners returned null");
  }
}
