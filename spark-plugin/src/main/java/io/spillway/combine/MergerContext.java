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

import io.spillway.io.TempFileTracker;
import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import io.spillway.spill.SpillFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;

/** What every level of one merger shares: settings, Spark services, its files and counters. */
final class MergerContext {
  final MergerSettings settings;
  final TaskMemoryManager taskMemoryManager;
  final SerializerManager serializerManager;
  final SerializerInstance serializer;
  final TempFileTracker<SpillFile> files;
  final MergerMetrics metrics = new MergerMetrics();

  /** Lists that own a file, so that close() can end their abandoned iterations too. */
  final List<ExternalList<?>> spilledLists = new ArrayList<>();

  /**
   * Reserves the values of the list being filled ({@link #fillingList}); shared by the lists, so
   * a group-by with a million keys has one memory consumer, not a million. A request from
   * another consumer of the task spills that list and returns the reservation.
   */
  final MemoryReservation listMemory;

  /** Sizes of the lists' values: one sampler for all of them (values of one RDD are alike). */
  final EntrySizeSampler listValueSizes = new EntrySizeSampler();

  /** The list whose added values {@link #listMemory} covers; null when none. */
  ExternalList<?> fillingList;

  MergerContext(
      MergerSettings settings,
      TaskMemoryManager taskMemoryManager,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      TempFileTracker<SpillFile> files) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.taskMemoryManager = Objects.requireNonNull(taskMemoryManager, "taskMemoryManager is null");
    this.serializerManager = Objects.requireNonNull(serializerManager, "serializerManager is null");
    this.serializer = Objects.requireNonNull(serializer, "serializer is null");
    this.files = Objects.requireNonNull(files, "files is null");
    this.listMemory = new MemoryReservation(taskMemoryManager, "ExternalList values");
    listMemory.setSpillHandler(this::spillFillingList);
  }

  private long spillFillingList(long requestedBytes, boolean requestedByItself) throws IOException {
    ExternalList<?> list = fillingList;
    if (list != null && !list.spillOnRequest()) {
      return 0;
    }
    return listMemory.releaseAll();
  }

  /** Returns the lists' reservation, when the group-by or the list being filled is closed. */
  void releaseListMemory() {
    fillingList = null;
    listMemory.releaseAll();
  }
}
