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
package io.spillway.memory;

import org.apache.spark.util.SizeEstimator;

/**
 * Estimates the heap size of a growing structure without walking it on every update. The
 * structure is measured with {@link SizeEstimator} after the 1st update and then whenever the
 * update count has grown by {@link #SAMPLE_GROWTH_RATE} (1, 2, 3, ..., 11, 13, 15, ...), so the
 * total sampling cost stays proportional to the data; between samples the size is extrapolated
 * from the bytes per update seen between the last two samples (Spark's {@code SizeTracker}
 * idea). Call {@link #reset(Object)} whenever the structure is replaced or emptied.
 */
public final class SizeTracker {

  static final double SAMPLE_GROWTH_RATE = 1.1;

  private Object target;
  private long updates;
  private long nextSampleAtUpdate;
  private long lastSampleUpdates;
  private long lastSampleBytes;
  private double bytesPerUpdate;

  public void reset(Object newTarget) {
    target = newTarget;
    updates = 0;
    lastSampleUpdates = 0;
    lastSampleBytes = newTarget == null ? 0 : SizeEstimator.estimate(newTarget);
    bytesPerUpdate = 0;
    nextSampleAtUpdate = 1;
  }

  /** Records one insert or merge into the tracked structure. */
  public void afterUpdate() {
    updates++;
    if (updates >= nextSampleAtUpdate) {
      takeSample();
    }
  }

  public long estimatedBytes() {
    return lastSampleBytes + (long) ((updates - lastSampleUpdates) * bytesPerUpdate);
  }

  private void takeSample() {
    long bytes = SizeEstimator.estimate(target);
    long updatesSinceSample = updates - lastSampleUpdates;
    if (updatesSinceSample > 0) {
      // A shrinking sample (a merge that replaced a value with a smaller one) must not make the
      // extrapolation negative.
      bytesPerUpdate = Math.max(0.0, (double) (bytes - lastSampleBytes) / updatesSinceSample);
    }
    lastSampleBytes = bytes;
    lastSampleUpdates = updates;
    nextSampleAtUpdate = Math.max(updates + 1, (long) Math.ceil(updates * SAMPLE_GROWTH_RATE));
  }
}
