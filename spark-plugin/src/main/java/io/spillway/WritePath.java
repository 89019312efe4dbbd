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

import io.spillway.write.sort.PackedRecordPointer;
import org.apache.spark.ShuffleDependency;

/** Which map-side buffer a shuffle uses; decided once, on the driver, when it is registered. */
public enum WritePath {
  /**
   * Records are serialized at once into memory pages and spills are concatenated: needs a
   * serializer whose records can be cut apart and joined (Kryo with auto-reset, Spark SQL's
   * UnsafeRowSerializer) and at most 2^24 partitions (the packed pointer's partition field).
   */
  SERIALIZED,
  /** Records are buffered as objects; spills are decoded and re-encoded when merged. */
  OBJECT;

  /** The largest partition count the serialized path can address. */
  public static final int MAX_SERIALIZED_PARTITIONS = PackedRecordPointer.MAXIMUM_PARTITION_ID + 1;

  static WritePath choose(ShuffleDependency<?, ?, ?> dependency) {
    boolean relocatable = dependency.serializer().supportsRelocationOfSerializedObjects();
    boolean addressable = dependency.partitioner().numPartitions() <= MAX_SERIALIZED_PARTITIONS;
    return relocatable && addressable ? SERIALIZED : OBJECT;
  }

  /** Why {@link #choose} picks {@link #OBJECT} for {@code dependency}, in words for a log line. */
  static String whyObject(ShuffleDependency<?, ?, ?> dependency) {
    if (!dependency.serializer().supportsRelocationOfSerializedObjects()) {
      return dependency.serializer().getClass().getSimpleName()
          + " cannot relocate serialized records";
    }
    return dependency.partitioner().numPartitions() + " partitions, more than the "
        + MAX_SERIALIZED_PARTITIONS + " the serialized path addresses";
  }
}
