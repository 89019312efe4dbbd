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
package io.spillway.rdd;

import io.spillway.combine.MergerSettings;
import io.spillway.io.Closeables;
import io.spillway.io.TaskBoundIterator;
import io.spillway.io.TempFileTracker;
import io.spillway.metrics.TaskSpillMetrics;
import io.spillway.sort.ExternalSorter;
import io.spillway.sort.SortSettings;
import io.spillway.spill.SpillFile;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * One range-partitioned partition through an {@link ExternalSorter}: its records in key order
 * (spilled runs merged with a heap when the partition does not fit in memory).
 */
final class SortInTask<K, V> implements PairFlatMapFunction<Iterator<Tuple2<K, V>>, K, V> {

  private static final long serialVersionUID = 1L;

  private final Comparator<? super K> keyOrder;
  private final MergerSettings settings;

  /** {@code keyOrder} must be serializable; the caller checks it on the driver. */
  SortInTask(Comparator<? super K> keyOrder, MergerSettings settings) {
    this.keyOrder = Objects.requireNonNull(keyOrder, "keyOrder is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
  }

  @Override
  public Iterator<Tuple2<K, V>> call(Iterator<Tuple2<K, V>> records) throws Exception {
    TaskScope scope = TaskScope.current("sortByKey");
    // The sorter takes the merger's file settings, so one MergerSettings tunes every operation.
    MergerSettings mergerSettings = settings;
    SortSettings sortSettings =
        new SortSettings(mergerSettings.maxOpenFiles(), mergerSettings.fileBufferBytes());
    TempFileTracker<SpillFile> files = new TempFileTracker<>(scope.spillFiles());
    ExternalSorter<K, V> sorter =
        new ExternalSorter<>(
            keyOrder,
            sortSettings,
            scope.taskMemoryManager(),
            scope.serializerManager(),
            scope.newSerializerInstance(),
            files);
    return TaskBoundIterator.untilExhausted(
        scope.task(),
        () -> {
          sorter.insertAll(records);
          return sorter.sortedIterator();
        },
        () ->
            Closeables.runAll(
                null,
                sorter::close,
                files::deleteAll,
                () ->
                    TaskSpillMetrics.add(
                        scope.task(),
                        sorter.memoryBytesSpilled(),
                        sorter.bytesSpilled(),
                        sorter.peakMemoryBytes())));
  }
}
