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
