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
package io.spillway.combine;

/**
 * Counters shared by a merger and the child mergers and sorters it creates, for task metrics and
 * tests. Not thread-safe (one task thread).
 */
public final class MergerMetrics {

  private long spillCount;
  private long bytesSpilled;
  private long memoryBytesSpilled;
  private int recursionDepth;
  private long peakMemoryBytes;
  private long repartitionedPartitions;
  private long sortMergedPartitions;

  void recordSpill(long bytes, long inMemoryBytes, int level) {
    spillCount++;
    bytesSpilled += bytes;
    memoryBytesSpilled += inMemoryBytes;
    recursionDepth = Math.max(recursionDepth, level);
  }

  /** Spills outside the hash-partitioning levels: sort-fallback runs and list segments. */
  void recordUnleveledSpills(long spills, long bytes, long inMemoryBytes) {
    spillCount += spills;
    bytesSpilled += bytes;
    memoryBytesSpilled += inMemoryBytes;
  }

  void recordMemory(long bytes) {
    peakMemoryBytes = Math.max(peakMemoryBytes, bytes);
  }

  void recordRepartition() {
    repartitionedPartitions++;
  }

  void recordSortMerge() {
    sortMergedPartitions++;
  }

  /** Spill writes: hash-partitioned spills at every level, sort-fallback runs, list segments. */
  public long spillCount() {
    return spillCount;
  }

  /** Bytes written by those spills (after compression and encryption). */
  public long bytesSpilled() {
    return bytesSpilled;
  }

  /**
   * Estimated in-memory size of what those spills wrote, in bytes (Spark's {@code
   * memoryBytesSpilled}).
   */
  public long memoryBytesSpilled() {
    return memoryBytesSpilled;
  }

  /**
   * Deepest hash-partitioning level that spilled: 0 = all in memory, 1 = the input was spilled
   * into partitions, 2 = a partition was re-partitioned, and so on.
   */
  public int recursionDepth() {
    return recursionDepth;
  }

  /** Largest memory reservation any one map, sorter or buffer held, in bytes. */
  public long peakMemoryBytes() {
    return peakMemoryBytes;
  }

  /** Partitions that did not fit in memory and were split with a new seed. */
  public long repartitionedPartitions() {
    return repartitionedPartitions;
  }

  /** Partitions that did not fit and could not be split further, so were merged by sort. */
  public long sortMergedPartitions() {
    return sortMergedPartitions;
  }
}
