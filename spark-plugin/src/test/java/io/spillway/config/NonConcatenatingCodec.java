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

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;

/**
 * A codec Spark does not list as concatenating (it checks the class against its own lz4, lzf,
 * snappy and zstd): streams pass through unchanged. Only its name matters to the tests.
 */
public final class NonConcatenatingCodec implements CompressionCodec {
  public NonConcatenatingCodec(SparkConf conf) {}

  @Override
  public OutputStream compressedOutputStream(OutputStream s) {
    return s;
  }

  @Override
  public InputStream compressedInputStream(InputStream s) {
    return s;
  }
}
