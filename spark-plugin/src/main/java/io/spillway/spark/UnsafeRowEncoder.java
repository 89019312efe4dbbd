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

import io.spillway.io.SizePrefixedRecordSink;
import java.lang.reflect.Field;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Spark SQL's shuffle rows the way its {@code UnsafeRowSerializer} does, without a
 * serialization stream in between. That serializer's stream is, per record,
 *
 * <pre>
 * +----------------------------------+---------------------------+
 * | row size (4 bytes, big-endian)   | the UnsafeRow's bytes     |
 * +----------------------------------+---------------------------+
 * </pre>
 *
 * (the key, a partition id, is not written), and its instance adds every row's size to the
 * exchange's "data size" metric. Going through the stream costs, per row, a DataOutputStream, a
 * BufferedOutputStream, a flush and two copies; here the row's bytes are handed to a {@link
 * SizePrefixedRecordSink}, which copies them once, straight into its memory, and the metric is
 * added to as the serializer would.
 *
 * <p>Contact with Spark internals: the serializer instance is recognised by its class name, and
 * its metric is the public field Scala compiles its constructor parameter to (the same in Spark
 * 4.0, 4.1 and 4.2). When either is not found, {@link #forSerializer} returns null and the
 * caller uses the serialization stream.
 */
public final class UnsafeRowEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(UnsafeRowEncoder.class);
  static final String SERIALIZER_INSTANCE_CLASS =
      "org.apache.spark.sql.execution.UnsafeRowSerializerInstance";
  static final String DATA_SIZE_FIELD =
      "org$apache$spark$sql$execution$UnsafeRowSerializerInstance$$dataSize";

  private final SQLMetric dataSize;

  private UnsafeRowEncoder(SQLMetric dataSize) {
    this.dataSize = dataSize;
  }

  /**
   * An encoder for {@code instance} when it is Spark SQL's UnsafeRowSerializer's, else null.
   */
  public static UnsafeRowEncoder forSerializer(SerializerInstance instance) {
    if (!instance.getClass().getName().equals(SERIALIZER_INSTANCE_CLASS)) {
      return null;
    }
    try {
      Field field = instance.getClass().getField(DATA_SIZE_FIELD);
      return new UnsafeRowEncoder((SQLMetric) field.get(instance));
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      LOG.warn(
          "Spark SQL's row serializer has no field {} here ({}): SQL rows are written"
              + " through its serialization stream",
          DATA_SIZE_FIELD,
          e.toString());
      return null;
    }
  }

  /**
   * Hands {@code value}, an UnsafeRow, to {@code sink} as the serializer would frame it: its size
   * and the row's own bytes, which the sink copies once into its memory.
   */
  public void insert(Object value, SizePrefixedRecordSink sink, int partitionId) {
    UnsafeRow row = (UnsafeRow) value;
    int size = row.getSizeInBytes();
    sink.insertSizePrefixed(row.getBaseObject(), row.getBaseOffset(), size, partitionId);
    // after the sink took the row: a sink that throws for the caller to retry counts it once
    if (dataSize != null) {
      dataSize.add(size);
    }
  }
}
