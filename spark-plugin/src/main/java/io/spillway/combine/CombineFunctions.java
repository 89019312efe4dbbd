package io.spillway.combine;

import java.io.Serializable;
import java.util.Objects;

import org.apache.spark.Aggregator;

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
      CreateCombiner<V, C> createCombiner, MergeValue<C, V> mergeValue, MergeCombiners<C> mergeCombiners) {
    this.createCombiner = Objects.requireNonNull(createCombiner, "createCombiner is null");
    this.mergeValue = Objects.requireNonNull(mergeValue, "mergeValue is null");
    this.mergeCombiners = Objects.requireNonNull(mergeCombiners, "mergeCombiners is null");
  }

  /** Adapts a Spark {@link Aggregator} (the dependency's aggregator on the read side). */
  public static <K, V, C> CombineFunctions<V, C> fromAggregator(Aggregator<K, V, C> aggregator) {
    Objects.requireNonNull(aggregator, "aggregator is null");
    return new CombineFunctions<>(
        value -> aggregator.createCombiner().apply(value),
        (combiner, value) -> aggregator.mergeValue().apply(combiner, value),
        (left, right) -> aggregator.mergeCombiners().apply(left, right));
  }

  C createCombiner(V value) {
    return Objects.requireNonNull(createCombiner.apply(value), "createCombiner returned null");
  }

  C mergeValue(C combiner, V value) {
    return Objects.requireNonNull(mergeValue.apply(combiner, value), "mergeValue returned null");
  }

  C mergeCombiners(C left, C right) {
    return Objects.requireNonNull(mergeCombiners.apply(left, right), "mergeCombiners returned null");
  }
}
