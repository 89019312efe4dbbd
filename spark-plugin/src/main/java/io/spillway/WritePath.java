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
  /**
   * For serializers that cannot relocate records (Java serialization): one serialization stream
   * per partition, open for the whole task, whose bytes go into that partition's slabs; a spill
   * writes each partition's bytes so far, uncompressed, and the merge compresses each partition's
   * pieces as one stream. What Spark's bypass-merge writer does with a file per partition, in
   * the task's memory instead. For at most {@code spark.shuffle.sort.bypassMergeThreshold}
   * partitions (Spark's own bound for a stream per partition), and only where the slabs fit a
   * page; otherwise {@link #OBJECT}.
   */
  PARTITION_STREAMS,
  /** Records are buffered as objects; spills are decoded and re-encoded when merged. */
  OBJECT;

  /** The largest partition count the serialized path can address. */
  public static final int MAX_SERIALIZED_PARTITIONS = PackedRecordPointer.MAXIMUM_PARTITION_ID + 1;

  static WritePath choose(ShuffleDependency<?, ?, ?> dependency, int bypassMergeThreshold) {
    int partitions = dependency.partitioner().numPartitions();
    if (dependency.serializer().supportsRelocationOfSerializedObjects()) {
      return partitions <= MAX_SERIALIZED_PARTITIONS ? SERIALIZED : OBJECT;
    }
    return partitions <= bypassMergeThreshold ? PARTITION_STREAMS : OBJECT;
  }

  /** Why {@link #choose} does not pick {@link #SERIALIZED}, in words for a log line. */
  static String whyNotSerialized(ShuffleDependency<?, ?, ?> dependency) {
    if (!dependency.serializer().supportsRelocationOfSerializedObjects()) {
      return dependency.serializer().getClass().getSimpleName()
          + " cannot relocate serialized records";
    }
    return dependency.partitioner().numPartitions()
        + " partitions, more than the "
        + MAX_SERIALIZED_PARTITIONS
        + " the serialized path addresses";
  }
}
