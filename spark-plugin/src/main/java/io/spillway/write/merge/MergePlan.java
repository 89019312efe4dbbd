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

import io.spillway.config.MergeStrategyOption;
import io.spillway.config.WriteSettings;
import io.spillway.spill.Spill;

/**
 * How one map task's spills become its map output: decided once, when the task first spills,
 * and then followed, by the spill writer (the segment format) and by {@link SpillMerger} (how the
 * bytes move). Its strategy is one of {@code spark.spillway.merge.strategy}'s words, never
 * {@code auto}:
 *
 * <pre>
 *   strategy     spills      each partition of the map output        intermediate rounds
 *   transferTo   WRAPPED     segments concatenated, transferTo        the same
 *   fileStream   WRAPPED     segments concatenated through streams     the same
 *                            (decrypted, re-encrypted as one stream)
 *   slow         WRAPPED     segments decoded, encoded again as one    the same
 *   compress     SERIALIZED  segments concatenated, compressed (and    concatenated only
 *                            encrypted) once
 *   slow, re-serialized      segments deserialized to records,         the same
 *                WRAPPED     serialized again as one stream (the object path)
 *   compress     SERIALIZED  pieces of one serialization stream per     concatenated only
 *   (streams)                partition, concatenated and compressed once
 * </pre>
 *
 * @param strategy how the bytes move, in the configuration's words
 * @param reserializes whether records are decoded and serialized again (a serializer whose
 *     streams cannot be concatenated; strategy {@code slow})
 * @param encrypted whether IO encryption is on
 */
public record MergePlan(MergeStrategyOption strategy, boolean reserializes, boolean encrypted) {

  /** Average segment size below which the serialized path's spills are written SERIALIZED. */
  public static final long SERIALIZED_SEGMENT_BYTES = 16 * 1024;

  public MergePlan {
    if (strategy == MergeStrategyOption.AUTO) {
      throw new IllegalArgumentException("a plan holds the strategy auto chose, not auto");
    }
    if (reserializes && strategy != MergeStrategyOption.SLOW) {
      throw new IllegalArgumentException("re-serializing is the slow strategy, not " + strategy);
    }
  }

  /**
   * The plan of a serialized-path task (relocatable serializer), at its first spill.
   *
   * <p>{@code compress} (SERIALIZED spills) when it is forced, or under {@code auto} when the
   * average segment of the spill, {@code bytesInMemory / min(partitions, records)}, is below
   * {@link #SERIALIZED_SEGMENT_BYTES}: a codec stream per segment (buffer allocation, header,
   * checksum set-up; for zstd a native context) then costs more than compressing the data, so
   * spills are written uncompressed and each partition compressed once, at the merge. Either
   * needs shuffle compression on (otherwise there is nothing to save) and IO encryption off (a
   * cipher stream per segment would be needed anyway). Otherwise {@link #sparksConditions}.
   */
  public static MergePlan forSerializedPath(
      WriteSettings settings,
      boolean encrypted,
      long bytesInMemory,
      int recordsInMemory,
      int numPartitions) {
    boolean serializedSpillsPay = settings.codec().compress() && !encrypted;
    long segments = Math.max(1, Math.min(numPartitions, recordsInMemory));
    boolean compress =
        switch (settings.mergeStrategy()) {
          case COMPRESS -> serializedSpillsPay;
          case AUTO -> serializedSpillsPay && bytesInMemory / segments < SERIALIZED_SEGMENT_BYTES;
          default -> false;
        };
    return compress
        ? new MergePlan(MergeStrategyOption.COMPRESS, false, encrypted)
        : sparksConditions(settings, encrypted);
  }

  /**
   * The plan of an object-path task: its serializer's streams may not be concatenated (Java
   * serialization, Kryo without auto-reset), so every record is decoded and written again,
   * whatever strategy is forced.
   */
  public static MergePlan reserializing(boolean encrypted) {
    return new MergePlan(MergeStrategyOption.SLOW, true, encrypted);
  }

  /**
   * The plan of a task that writes one serialization stream per partition (a serializer that
   * cannot relocate records, few partitions): its spills are pieces of those streams, cut
   * anywhere, so they must be SERIALIZED and each partition's pieces concatenated before the
   * codec sees them: {@code compress}, whatever strategy is forced. Never encrypted (such a
   * task takes the object path under IO encryption).
   */
  public static MergePlan partitionStreams() {
    return new MergePlan(MergeStrategyOption.COMPRESS, false, false);
  }

  /**
   * Spark's conditions ({@code UnsafeShuffleWriter.mergeSpillsUsingStandardWriter}):
   * transferTo when fast merge is enabled, the codec concatenates streams, {@code
   * spark.file.transferTo} is on and IO encryption is off; fileStream when fast merge is possible
   * but transferTo is off or encryption is on; slow otherwise. A forced strategy is honoured
   * unless it would produce unreadable output: concatenation needs a codec that concatenates,
   * and raw transferTo cannot re-encrypt; a forced {@code compress} that cannot apply is treated
   * as {@code auto}.
   */
  public static MergePlan sparksConditions(WriteSettings settings, boolean encrypted) {
    boolean concatenates = settings.codec().concatenates();
    MergeStrategyOption strategy =
        switch (settings.mergeStrategy()) {
          case TRANSFER_TO ->
              !concatenates
                  ? MergeStrategyOption.SLOW
                  : encrypted ? MergeStrategyOption.FILE_STREAM : MergeStrategyOption.TRANSFER_TO;
          case FILE_STREAM ->
              concatenates ? MergeStrategyOption.FILE_STREAM : MergeStrategyOption.SLOW;
          case SLOW -> MergeStrategyOption.SLOW;
          case AUTO, COMPRESS ->
              !settings.fastMergeEnabled() || !concatenates
                  ? MergeStrategyOption.SLOW
                  : settings.transferToEnabled() && !encrypted
                      ? MergeStrategyOption.TRANSFER_TO
                      : MergeStrategyOption.FILE_STREAM;
        };
    return new MergePlan(strategy, false, encrypted);
  }

  /** The format every spill of the task is written in. */
  public Spill.SegmentFormat spillFormat() {
    return strategy == MergeStrategyOption.COMPRESS
        ? Spill.SegmentFormat.SERIALIZED
        : Spill.SegmentFormat.WRAPPED;
  }

  /**
   * Whether the map output's bytes are exactly the spills' bytes, concatenated in spill order
   * (then the checksums accumulated while spilling are the output's).
   */
  public boolean preservesBytes() {
    return !reserializes
        && (strategy == MergeStrategyOption.TRANSFER_TO
            || (strategy == MergeStrategyOption.FILE_STREAM && !encrypted));
  }

  /**
   * The name in logs and metrics, in the configuration's words: {@code transferTo},
   * {@code fileStream}, {@code slow}, {@code compress}, or {@code slow (re-serialized)}.
   */
  public String name() {
    return reserializes ? strategy.configValue() + " (re-serialized)" : strategy.configValue();
  }

  @Override
  public String toString() {
    return name();
  }
}
