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

import org.apache.spark.util.AccumulatorV2;

/**
 * The largest value any task reported: merging keeps the maximum, so a stage's value is the
 * largest of its tasks' values (a {@code LongAccumulator} would add them up).
 */
public final class MaxAccumulator extends AccumulatorV2<Long, Long> {
  private static final long serialVersionUID = 1L;

  private long max;
  private boolean set;

  @Override
  public boolean isZero() {
    return !set;
  }

  @Override
  public MaxAccumulator copy() {
    MaxAccumulator copy = new MaxAccumulator();
    copy.max = max;
    copy.set = set;
    return copy;
  }

  @Override
  public void reset() {
    max = 0;
    set = false;
  }

  @Override
  public void add(Long value) {
    add(value.longValue());
  }

  /** Keeps {@code value} if it is the largest so far. */
  public void add(long value) {
    max = set ? Math.max(max, value) : value;
    set = true;
  }

  @Override
  public void merge(org.apache.spark.util.AccumulatorV2<Long, Long> other) {
    if (!(other instanceof MaxAccumulator that)) {
      throw new UnsupportedOperationException(
          "Cannot merge " + getClass().getName() + " with " + other.getClass().getName());
    }
    if (that.set) {
      add(that.max);
    }
  }

  @Override
  public Long value() {
    return max;
  }
}
