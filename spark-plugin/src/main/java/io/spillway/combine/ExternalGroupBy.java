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
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;

import io.spillway.sort.CloseableIterator;
import io.spillway.io.Closeables;
import io.spillway.sort.ExternalSorter;
import io.spillway.memory.MemoryReservation;
import io.spillway.sort.SegmentedSpillWriter;
import io.spillway.sort.SpillFileFactory;
import io.spillway.sort.SpilledSegments;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.Product2;
import scala.Tuple2;

/**
 * Groups values by key with bounded memory, after PySpark's {@code ExternalGroupBy}; one key may
 * have far more values than memory holds.
 *
 * <ol>
 *   <li>Input: values collect per key in chunks ({@code ArrayList}) inside a
 *       {@link HashPartitionedBuffer}, hash-partitioned and spilled like {@link ExternalMerger}.
 *       A spill writes each chunk as records of at most {@link #VALUES_PER_SPILL_RECORD} values
 *       ({@code [key][chunk]}), so no single record read back is large.
 *   <li>Output, partition by partition: if the partition's chunks fit in memory they are grouped
 *       in a hash map; otherwise the partition is grouped by sort (as PySpark does, without
 *       recursion, since one big key never splits). Spills write each segment's keys in
 *       (hash, class, key) order already, so an {@link ExternalSorter} merges the partition's
 *       segments in place ({@link ExternalSorter#addSortedRun}) and each run of equal keys is
 *       appended to an {@link ExternalList}, which spills past {@code listSpillThresholdBytes}.
 *       Sorting at spill time costs a sort of each spilled map's keys; it saves writing and
 *       reading every value of the partition once more (a hot key's, most of all).
 * </ol>
 *
 * <p>The lists handed out stay readable until {@link #close()}, which deletes every file (the
 * merger's spills, the sorter's runs, the lists' files) and is idempotent.
 */
public final class ExternalGroupBy<K, V> implements Closeable {

  /** Largest number of values one spilled chunk record holds. */
  static final int VALUES_PER_SPILL_RECORD = 256;

  private final MergerContext context;
  private final MemoryReservation memory;
  private final HashPartitionedBuffer<K, V, ArrayList<V>> buffer;
  private final BiFunction<Object, Object, Object> concatenateChunks;
  /** The order of the keys in every spilled segment, and of a partition grouped by sort. */
  private final KeyHashing.HashThenKeyOrder keyOrder;
  private List<SpilledSegments> spills = List.of();
  private CloseableIterator<Tuple2<K, ExternalList<V>>> activeIterator;
  private boolean iterating;
  private boolean closed;

  @SuppressWarnings("unchecked")
  public ExternalGroupBy(
      MergerSettings settings,
      TaskMemoryManager taskMemoryManager,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      SpillFileFactory fileFactory) {
    this.context = new MergerContext(
        settings, taskMemoryManager, serializerManager, serializer, new TempFileTracker<>(fileFactory));
    this.memory = new MemoryReservation(taskMemoryManager, "ExternalGroupBy");
    CombineFunctions<V, ArrayList<V>> chunks = new CombineFunctions<>(
        value -> {
          ArrayList<V> chunk = new ArrayList<>(4);
          chunk.add(value);
          return chunk;
        },
        (chunk, value) -> {
          chunk.add(value);
          return chunk;
        },
        (left, right) -> {
          left.addAll(right);
          return left;
        });
    this.concatenateChunks = (left, right) -> {
      ((ArrayList<V>) left).addAll((ArrayList<V>) right);
      return left;
    };
    this.keyOrder = new KeyHashing.HashThenKeyOrder(KeyHashing.seedForLevel(settings.hashSeed(), 2));
    this.buffer = new HashPartitionedBuffer<>(
        context, chunks, ExternalGroupBy::writeChunk, memory, 1, keyOrder);
  }

  /** Splits a chunk into records of at most {@link #VALUES_PER_SPILL_RECORD} values. */
  private static <V> void writeChunk(SegmentedSpillWriter writer, Object key, ArrayList<V> chunk) throws IOException {
    if (chunk.size() <= VALUES_PER_SPILL_RECORD) {
      writer.write(key, chunk);
      return;
    }
    for (int from = 0; from < chunk.size(); from += VALUES_PER_SPILL_RECORD) {
      // A copy: ArrayList.subList is not serializable.
      writer.write(key, new ArrayList<>(chunk.subList(from, Math.min(chunk.size(), from + VALUES_PER_SPILL_RECORD))));
    }
  }

  public void mergeValues(Iterator<? extends Product2<? extends K, ? extends V>> records) throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException("ExternalGroupBy does not accept records after items() or close()");
    }
    RecordBatch batch = new RecordBatch();
    while (batch.fill(records, null)) {
      buffer.insertValues(batch);
    }
  }

  /** Every key once with all its values; call once, after the last merge. */
  public CloseableIterator<Tuple2<K, ExternalList<V>>> items() throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException("items() can be called once, before close()");
    }
    iterating = true;
    if (buffer.allInMemory()) {
      activeIterator = new MapIterator<K, ArrayList<V>, ExternalList<V>>(buffer.inMemoryMap(), this::newList,
          buffer::releaseMemory);
    } else {
      spills = buffer.finishSpilling();
      activeIterator = new PartitionByPartitionIterator<>(
          context.settings.numSpillPartitions(), this::openPartition, this::deleteSpillsAndReleaseMemory);
    }
    return activeIterator;
  }

  private ExternalList<V> newList(ArrayList<V> values) {
    return new ExternalList<>(context, values);
  }

  /** A list of a chunk read back from a spill: its values are reserved as they are added. */
  private ExternalList<V> newFilledList(ArrayList<V> chunk) {
    ExternalList<V> list = new ExternalList<>(context);
    try {
      list.addAll(chunk);
    } catch (IOException e) {
      throw CloseableIterator.unchecked("spilling grouped values failed", e);
    }
    return list;
  }

  @SuppressWarnings("unchecked")
  private CloseableIterator<Tuple2<K, ExternalList<V>>> openPartition(int partition) throws IOException {
    if (PartitionLoader.recordCount(spills, partition) == 0) {
      return null;
    }
    CombinerMap map = PartitionLoader.loadOrNull(context, spills, partition, concatenateChunks, memory);
    if (map != null) {
      return new MapIterator<K, ArrayList<V>, ExternalList<V>>(map, this::newList, memory::releaseAll);
    }
    return groupBySort(partition);
  }

  @SuppressWarnings("unchecked")
  private CloseableIterator<Tuple2<K, ExternalList<V>>> groupBySort(int partition) throws IOException {
    context.metrics.recordSortMerge();
    ExternalSorter<Object, Object> sorter = new ExternalSorter<>(keyOrder, context.settings.sortSettings(),
        context.taskMemoryManager, context.serializerManager, context.serializer, context.files);
    try {
      // Every spill wrote its segments in keyOrder: merge them where they are, no second sort.
      for (SpilledSegments spill : spills) {
        sorter.addSortedRun(spill, partition);
      }
      CloseableIterator<Tuple2<Object, Object>> sorted = sorter.sortedIterator();
      context.metrics.recordUnleveledSpills(
          sorter.spillCount(), sorter.bytesSpilled(), sorter.memoryBytesSpilled());
      context.metrics.recordMemory(sorter.peakMemoryBytes());
      return new SortedGroupIterator<K, ArrayList<V>, ExternalList<V>>(
          (CloseableIterator<Tuple2<K, ArrayList<V>>>) (CloseableIterator<?>) sorted,
          keyOrder,
          this::newFilledList,
          (list, chunk) -> {
            try {
              list.addAll(chunk);
            } catch (IOException e) {
              throw CloseableIterator.unchecked("spilling grouped values failed", e);
            }
            return list;
          });
    } catch (IOException | RuntimeException | Error e) {
      Closeables.runAll(e, sorter::close);
      throw e;
    }
  }

  private void deleteSpillsAndReleaseMemory() {
    buffer.deleteSpillsAndReleaseMemory(context.files);
  }

  /** Releases all memory and deletes every file, including the lists' files; idempotent. */
  @Override
  public void close() {
    close(false);
  }

  /**
   * Ends a task that succeeded: releases memory and deletes the partition spills, but the lists
   * handed out stay readable until they are unreachable ({@link
   * ExternalList#keepFileWhileReachable}), because Spark may still serialize them as part of the
   * task's result. Idempotent, and a no-op after {@link #close()}.
   */
  public void closeKeepingListsReadable() {
    close(true);
  }

  private void close(boolean keepListFiles) {
    if (closed) {
      return;
    }
    closed = true;
    CloseableIterator<Tuple2<K, ExternalList<V>>> open = activeIterator;
    List<Closeables.Cleanup> steps = new ArrayList<>();
    steps.add(open == null ? null : open::close);
    for (ExternalList<?> list : context.spilledLists) {
      steps.add(keepListFiles ? list::keepFileWhileReachable : list::close);
    }
    steps.add(context::releaseListMemory);
    steps.add(this::deleteSpillsAndReleaseMemory);
    steps.add(context.files::deleteAll);
    context.spilledLists.clear();
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  public MergerMetrics metrics() {
    return context.metrics;
  }

  public long memoryUsedBytes() {
    return memory.getUsed();
  }
}
