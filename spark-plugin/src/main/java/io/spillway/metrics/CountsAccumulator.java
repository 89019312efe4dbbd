package io.spillway.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * How many times each name was added: for a stage, {@code {compress=3, transferTo=1}} (the form
 * Spark's UI and event log show, {@code toString} of a sorted map).
 */
public final class CountsAccumulator extends AccumulatorV2<String, Map<String, Long>> {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, Long> counts = new TreeMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public CountsAccumulator copy() {
    CountsAccumulator copy = new CountsAccumulator();
    copy.counts.putAll(counts);
    return copy;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(String name) {
    counts.merge(name, 1L, Long::sum);
  }

  @Override
  public void merge(AccumulatorV2<String, Map<String, Long>> other) {
    if (!(other instanceof CountsAccumulator that)) {
      throw new UnsupportedOperationException(
          "Cannot merge " + getClass().getName() + " with " + other.getClass().getName());
    }
    that.counts.forEach((name, count) -> counts.merge(name, count, Long::sum));
  }

  @Override
  public Map<String, Long> value() {
    return Collections.unmodifiableMap(new TreeMap<>(counts));
  }
}
