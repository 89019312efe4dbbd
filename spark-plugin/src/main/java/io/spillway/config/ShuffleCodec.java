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
package io.spillway.config;

import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;
import org.apache.spark.io.LZ4CompressionCodec;

/**
 * What the shuffle's compression codec means for both sides, read once from the {@link
 * SparkConf}: whether shuffle blocks are compressed, whether compressed streams concatenate, and
 * whether the codec is Spark's own lz4, whose streams Spillway writes and reads with reused
 * buffers ({@code io.spillway.spark.Lz4BlockWriter}, {@code Lz4BlockReader}).
 *
 * @param compress {@code spark.shuffle.compress}
 * @param concatenates whether concatenated compressed streams decode as one stream (always true
 *     when compression is off)
 * @param lz4BlockSizeBytes {@code spark.io.compression.lz4.blockSize} when shuffle compression is
 *     on and the codec ({@code spark.io.compression.codec}) is exactly Spark's {@code
 *     LZ4CompressionCodec} (a subclass may write another format); 0 otherwise
 */
public record ShuffleCodec(boolean compress, boolean concatenates, int lz4BlockSizeBytes) {

  public static ShuffleCodec fromSparkConf(SparkConf conf) {
    boolean compress = conf.getBoolean("spark.shuffle.compress", true);
    if (!compress) {
      return new ShuffleCodec(false, true, 0);
    }
    CompressionCodec codec = CompressionCodec.createCodec(conf);
    int lz4BlockSize =
        codec.getClass() == LZ4CompressionCodec.class
            ? (int) conf.getSizeAsBytes("spark.io.compression.lz4.blockSize", "32k")
            : 0;
    return new ShuffleCodec(
        true,
        CompressionCodec$.MODULE$.supportsConcatenationOfSerializedStreams(codec),
        lz4BlockSize);
  }

  /**
   * Whether shuffle blocks are written in Spark's lz4 stream format, which Spillway's own lz4
   * writer and reader produce and decode (before encryption, which the callers check).
   */
  public boolean isSparkLz4() {
    return compress && lz4BlockSizeBytes > 0;
  }
}
