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
package io.spillway.write;

import io.spillway.spill.Spill;
import java.io.IOException;
import java.util.List;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;

/**
 * Holds a map task's records, partitioned, and spills them when memory runs short. Three
 * implementations: {@link SerializedMapOutputBuffer} (relocatable serializers: bytes in pages,
 * spills concatenated on merge), {@link PartitionStreamsMapOutputBuffer} (other serializers, few
 * partitions: a serialization stream per partition into pages, spills concatenated on merge)
 * and {@link ObjectMapOutputBuffer} (everything else: objects, spills decoded and re-encoded on
 * merge).
 *
 * <p>Protocol: {@link #insert} for every record, then {@link #finishInserts}; then {@link
 * #spills}: if there are none, {@link #writeInMemoryTo}; otherwise {@link #spillRemaining} and a
 * move or {@link #mergeSpillsTo}.
 * {@link #free} always ends it, on success and on failure.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface MapOutputBuffer<K, V> {

  void insert(int partitionId, K key, V value) throws IOException;

  /**
   * Called once after the last {@link #insert}: a buffer that keeps streams open across records
   * ends them here (which may still spill). Nothing by default.
   */
  default void finishInserts() throws IOException {}

  /** Spill files written so far, in spill order. */
  List<Spill> spills();

  /** Moves the records still in memory into one last spill file (no-op when there are none). */
  void spillRemaining() throws IOException;

  /**
   * Writes the in-memory records straight to the map output (used when nothing was spilled).
   *
   * @return per-partition checksums of the bytes written, empty when checksums are off
   */
  long[] writeInMemoryTo(ShuffleMapOutputWriter output) throws IOException;

  /**
   * Merges {@link #spills} (two or more) into the map output and deletes them.
   *
   * @return per-partition checksums of the bytes written, empty when checksums are off
   */
  long[] mergeSpillsTo(ShuffleMapOutputWriter output) throws IOException;

  /** Checksums accumulated over the spills, valid for a single spill moved as it is. */
  long[] spillChecksums();

  long recordsInserted();

  /** Spill files this buffer wrote (intermediate merge files are not counted). */
  int spillCount();

  /** Merge rounds of the last {@link #mergeSpillsTo} (0 when nothing was merged). */
  int mergeRounds();

  /** Strategy of the last {@link #mergeSpillsTo}, in the configuration's words; null if none. */
  String mergeStrategyName();

  /** Milliseconds the last {@link #mergeSpillsTo} took (0 when nothing was merged). */
  long mergeMillis();

  /** The most spill files the last merge had open at once. */
  int mostSpillFilesOpen();

  /** The format of this task's spills; null before the first spill. */
  io.spillway.spill.Spill.SegmentFormat spillFormat();

  /** Forces the records in memory into a spill file now (tests and benchmarks). */
  void forceSpill() throws IOException;

  long peakMemoryBytes();

  /** Releases all memory. Idempotent. Spill files are the tracker's business. */
  void free();
}
