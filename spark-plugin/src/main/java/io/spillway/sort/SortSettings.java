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
package io.spillway.sort;

/**
 * Typed settings of an {@link ExternalSorter}; the caller reads configuration once and passes
 * values, the sorter never reads {@code SparkConf}.
 *
 * @param maxOpenFiles how many spill files may be open at once; the merge fan-in is one less,
 *     so that an intermediate merge pass can write its output (at least 3: fan-in of 2)
 * @param fileBufferBytes buffer of each spill file stream, in bytes
 * @param keyPrefixes whether natural orderings are recognised and sorted by key prefix ({@link
 *     KeyPrefix}; {@code spark.spillway.sort.keyPrefixes})
 */
public record SortSettings(int maxOpenFiles, int fileBufferBytes, boolean keyPrefixes) {

  public static final int DEFAULT_MAX_OPEN_FILES = 64;
  public static final int DEFAULT_FILE_BUFFER_BYTES = 32 * 1024;

  public SortSettings {
    if (maxOpenFiles < 3) {
      throw new IllegalArgumentException(
          "maxOpenFiles must be at least 3 (merge fan-in 2 plus one output), got " + maxOpenFiles);
    }
    if (fileBufferBytes < 1 || fileBufferBytes > (1 << 30)) {
      throw new IllegalArgumentException(
          "fileBufferBytes must be in [1, 2^30], got " + fileBufferBytes);
    }
  }

  /** Key prefixes on. */
  public SortSettings(int maxOpenFiles, int fileBufferBytes) {
    this(maxOpenFiles, fileBufferBytes, true);
  }

  public SortSettings withKeyPrefixes(boolean value) {
    return new SortSettings(maxOpenFiles, fileBufferBytes, value);
  }

  public static SortSettings defaults() {
    return new SortSettings(DEFAULT_MAX_OPEN_FILES, DEFAULT_FILE_BUFFER_BYTES);
  }

  /** Runs one merge reads at once. */
  public int mergeFanIn() {
    return maxOpenFiles - 1;
  }
}
