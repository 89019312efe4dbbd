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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * {@link UnsafeRowEncoder} against Spark SQL's own UnsafeRowSerializer: the same bytes for every
 * row (seeded rows of fixed and variable length) and the same "data size" metric.
 */
class UnsafeRowEncoderTest {

  @Test
  void bytesAndDataSizeMatchSparksSerializer() {
    long seed = Long.getLong("spillway.test.seed", System.nanoTime());
    System.out.println("UnsafeRowEncoderTest seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    SQLMetric sparkMetric = new SQLMetric("size", 0);
    SQLMetric ourMetric = new SQLMetric("size", 0);
    SerializerInstance spark = new UnsafeRowSerializer(3, sparkMetric).newInstance();
    UnsafeRowEncoder encoder =
        UnsafeRowEncoder.forSerializer(new UnsafeRowSerializer(3, ourMetric).newInstance());
    assertNotNull(encoder, "Spark SQL's serializer must be recognised");

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    SerializationStream stream = spark.serializeStream(expected);
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    UnsafeRowWriter writer = new UnsafeRowWriter(3);
    for (int i = 0; i < 2_000; i++) {
      writer.reset();
      writer.zeroOutNullBytes();
      writer.write(0, random.nextLong());
      if (random.nextInt(5) == 0) {
        writer.setNullAt(1);
      } else {
        writer.write(1, random.nextInt());
      }
      char[] text = new char[random.nextInt(i % 100 == 0 ? 5_000 : 40)];
      Arrays.fill(text, (char) ('a' + random.nextInt(26)));
      writer.write(2, UTF8String.fromString(new String(text)));
      UnsafeRow row = writer.getRow();
      stream.writeKey(i % 7, ClassTag$.MODULE$.Object());
      stream.writeValue(row, ClassTag$.MODULE$.Object());
      int partition = i % 7;
      encoder.insert(
          row,
          (base, offset, size, partitionId) -> {
            assertEquals(partition, partitionId);
            byte[] bytes = new byte[size];
            Platform.copyMemory(base, offset, bytes, Platform.BYTE_ARRAY_OFFSET, size);
            ours.write(size >>> 24);
            ours.write(size >>> 16);
            ours.write(size >>> 8);
            ours.write(size);
            ours.writeBytes(bytes);
          },
          partition);
    }
    stream.close();
    assertArrayEquals(expected.toByteArray(), ours.toByteArray(), "seed " + seed);
    assertEquals(sparkMetric.value(), ourMetric.value());
  }

  @Test
  void otherSerializersAreNotRecognised() {
    assertNull(
        UnsafeRowEncoder.forSerializer(new KryoSerializer(new SparkConf(false)).newInstance()));
  }
}
