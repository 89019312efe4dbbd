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

import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillReader;
import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads one partition's segments from every spill, one file at a time, and merges them into a
 * hash map whose estimated size is reserved as it grows. Gives up (returns null, memory released)
 * as soon as a reservation comes back short: the partition does not fit.
 */
final class PartitionLoader {

  private PartitionLoader() {}

  static CombinerMap loadOrNull(
      MergerContext context,
      List<Spill> spills,
      int partition,
      BiFunction<Object, Object, Object> mergeCombiners,
      MemoryReservation memory)
      throws IOException {
    CombinerMap map = new CombinerMap();
    EntrySizeSampler sizes = new EntrySizeSampler();
    boolean fits =
        forEachRecordWhile(
            context,
            spills,
            partition,
            (key, combiner) -> {
              int slot = map.find(key);
              if (slot < 0) {
                map.insertAt(slot, key, combiner);
                sizes.inserted(key, combiner);
              } else {
                map.mergeAt(slot, combiner, mergeCombiners, sizes);
              }
              long estimatedBytes = sizes.estimatedBytes() + map.tableBytes();
              return estimatedBytes <= memory.reservedBytes() || memory.tryGrow(estimatedBytes);
            });
    context.metrics.recordMemory(memory.peakReservedBytes());
    if (!fits) {
      memory.releaseAll();
      return null;
    }
    return map;
  }

  /** Total records of one partition over all spills. */
  static long recordCount(List<Spill> spills, int partition) {
    long count = 0;
    for (Spill spill : spills) {
      count += spill.recordCount(partition);
    }
    return count;
  }

  /** Feeds one partition's records, one spill at a time, to {@code sink}. */
  static void forEachRecord(
      MergerContext context, List<Spill> spills, int partition, RecordSink sink)
      throws IOException {
    forEachRecordWhile(
        context,
        spills,
        partition,
        (key, value) -> {
          sink.accept(key, value);
          return true;
        });
  }

  /**
   * Feeds one partition's records, one spill at a time, to {@code sink} until it returns false.
   *
   * @return whether every record was fed
   */
  private static boolean forEachRecordWhile(
      MergerContext context, List<Spill> spills, int partition, RecordPredicate sink)
      throws IOException {
    for (Spill spill : spills) {
      if (spill.recordCount(partition) == 0) {
        continue;
      }
      try (SpillReader reader =
          spill.openSegment(
              partition,
              context.serializerManager,
              context.serializer,
              context.settings.fileBufferBytes())) {
        while (reader.advance()) {
          if (!sink.accept(reader.key(), reader.value())) {
            return false;
          }
        }
      }
    }
    return true;
  }

  @FunctionalInterface
  private interface RecordPredicate {
    boolean accept(Object key, Object value) throws IOException;
  }

  @FunctionalInterface
  interface RecordSink {
    void accept(Object key, Object value) throws IOException;
  }
}
