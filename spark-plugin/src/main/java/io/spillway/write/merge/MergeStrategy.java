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
package io.spillway.write.merge;

import io.spillway.config.WriteSettings;

/** How several spill files become one map output. Chosen by {@link #choose}, nowhere else. */
public enum MergeStrategy {
  /**
   * Concatenate each partition's compressed, unencrypted segments with
   * {@code FileChannel.transferTo}: no byte passes through the JVM heap.
   */
  TRANSFER_TO,
  /**
   * Concatenate through buffered streams, without touching compression; with IO encryption each
   * segment is decrypted and the partition re-encrypted as one stream (fresh IV).
   */
  FILE_STREAM,
  /** Decrypt, decompress, recompress and re-encrypt: for codecs that cannot concatenate. */
  SLOW,
  /**
   * For SERIALIZED spills (uncompressed segments): each partition's segments are concatenated
   * and compressed (and encrypted) once, as one stream. Never chosen by {@link #choose}: the
   * spills' format decides, see {@link #forSpills}.
   */
  COMPRESS;

  /**
   * The strategy's name in {@code spark.spillway.merge.strategy}'s words, for logs and metrics:
   * transferTo, fileStream, slow; {@code compress} has no setting (the spills' format picks it).
   */
  public String configName() {
    switch (this) {
      case TRANSFER_TO:
        return io.spillway.config.MergeStrategyOption.TRANSFER_TO.configValue();
      case FILE_STREAM:
        return io.spillway.config.MergeStrategyOption.FILE_STREAM.configValue();
      case SLOW:
        return io.spillway.config.MergeStrategyOption.SLOW.configValue();
      default:
        return "compress";
    }
  }

  /** The strategy for a task's spills: COMPRESS for SERIALIZED ones, {@link #choose} otherwise. */
  public static MergeStrategy forSpills(io.spillway.spill.Spill.SegmentFormat format,
      WriteSettings settings, boolean encryptionEnabled) {
    return format == io.spillway.spill.Spill.SegmentFormat.SERIALIZED
        ? COMPRESS : choose(settings, encryptionEnabled);
  }

  /**
   * Spark's conditions ({@code UnsafeShuffleWriter.mergeSpillsUsingStandardWriter}):
   * transferTo when fast merge is enabled, the codec concatenates streams, {@code
   * spark.file.transferTo} is on and IO encryption is off; fileStream when fast merge is possible
   * but transferTo is off or encryption is on; slow otherwise. A strategy forced with
   * {@code spark.spillway.merge.strategy} is honoured unless it would produce unreadable output:
   * concatenation needs a codec that concatenates, and raw transferTo cannot re-encrypt.
   */
  public static MergeStrategy choose(WriteSettings settings, boolean encryptionEnabled) {
    boolean concatenates = settings.codecConcatenatesStreams();
    switch (settings.mergeStrategy()) {
      case TRANSFER_TO:
        if (!concatenates) {
          return SLOW;
        }
        return encryptionEnabled ? FILE_STREAM : TRANSFER_TO;
      case FILE_STREAM:
        return concatenates ? FILE_STREAM : SLOW;
      case SLOW:
        return SLOW;
      case AUTO:
      default:
        if (!settings.fastMergeEnabled() || !concatenates) {
          return SLOW;
        }
        return settings.transferToEnabled() && !encryptionEnabled ? TRANSFER_TO : FILE_STREAM;
    }
  }

  /** Whether the merged bytes are exactly the spill bytes, concatenated in spill order. */
  public boolean preservesBytes(boolean encryptionEnabled) {
    return this == TRANSFER_TO || (this == FILE_STREAM && !encryptionEnabled);
  }
}
