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
