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

import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.io.LZ4CompressionCodec;

/** The oracle codec and the contents of {@link Lz4BlockWriterTest} and {@link Lz4BlockReaderTest}. */
final class Lz4TestData {
  private Lz4TestData() {}

  /** Spark's own lz4 codec with the given block size. */
  static LZ4CompressionCodec codec(int blockSize) {
    return new LZ4CompressionCodec(
        new SparkConf().set("spark.io.compression.lz4.blockSize", String.valueOf(blockSize)));
  }

  /** Random bytes (stored raw), runs of a few values (compressed well), or a mix per stretch. */
  static byte[] content(SplittableRandom random, int size) {
    byte[] data = new byte[size];
    int kind = random.nextInt(3);
    int i = 0;
    while (i < size) {
      int stretch = Math.min(size - i, 1 + random.nextInt(5000));
      boolean noise = kind == 0 || (kind == 2 && random.nextBoolean());
      for (int j = 0; j < stretch; j++) {
        data[i + j] = (byte) (noise ? random.nextInt(256) : random.nextInt(4));
      }
      i += stretch;
    }
    return data;
  }
}
