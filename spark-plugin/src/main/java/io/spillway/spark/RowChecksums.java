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

/**
 * The order-independent row checksums a shuffle dependency may ask for (Spark 4.1's {@code
 * RowBasedChecksum}, one per reduce partition; SQL asks for them, RDD shuffles never do), seen
 * through a type that exists on every Spark line: the writer's signatures must load on Spark 4.0,
 * which has no {@code RowBasedChecksum}. Obtained from {@link SparkVersionBridge#rowChecksums}.
 */
public interface RowChecksums {
  /** None asked for, or a Spark line without row checksums: {@link #aggregatedValue} is 0. */
  RowChecksums NONE =
      new RowChecksums() {
        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public void update(int partition, Object key, Object value) {}

        @Override
        public long aggregatedValue() {
          return 0L;
        }
      };

  /** Whether {@link #update} does anything (the writer checks once, not per record). */
  boolean enabled();

  /** Adds one record written to {@code partition}. */
  void update(int partition, Object key, Object value);

  /** The map output's checksum that goes into its {@code MapStatus} (0 without checksums). */
  long aggregatedValue();
}
