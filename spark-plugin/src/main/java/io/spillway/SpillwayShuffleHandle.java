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
package io.spillway;

import io.spillway.metrics.ShuffleCounters;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.shuffle.BaseShuffleHandle;

/**
 * The handle Spillway gives the scheduler for one shuffle. It travels to executors inside the
 * task binary, so it is serializable and carries the write path chosen on the driver and the
 * shuffle's counters (accumulators the driver registered: {@link ShuffleCounters}).
 */
public final class SpillwayShuffleHandle<K, V, C> extends BaseShuffleHandle<K, V, C>
    implements ShuffleCounters.CountedShuffle {
  private static final long serialVersionUID = 1L;

  private final WritePath writePath;
  private final ShuffleCounters counters;

  public SpillwayShuffleHandle(
      int shuffleId,
      ShuffleDependency<K, V, C> dependency,
      WritePath writePath,
      ShuffleCounters counters) {
    super(shuffleId, dependency);
    this.writePath = writePath;
    this.counters = counters;
  }

  @Override
  public ShuffleCounters counters() {
    return counters;
  }

  public WritePath writePath() {
    return writePath;
  }

  @Override
  public String toString() {
    return "SpillwayShuffleHandle(shuffle " + shuffleId() + ", " + writePath + ")";
  }
}
