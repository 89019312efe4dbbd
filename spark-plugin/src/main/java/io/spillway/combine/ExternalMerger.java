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
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.spillway.sort.CloseableIterator;
import io.spillway.io.Closeables;
import io.spillway.sort.ExternalSorter;
import io.spillway.memory.MemoryReservation;
import io.spillway.spill.SpillFileSource;
import io.spillway.spill.Spill;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.Product2;
import scala.Tuple2;

/**
 * Combines key/value records by key with bounded memory, after PySpark's {@code ExternalMerger}:
 *
 * <ol>
 *   <li>Records are combined into one hash map ({@link HashPartitionedBuffer}); its estimated
 *       size is reserved from the task memory manager as it grows.
 *   <li>When a reservation comes back short, the map is written as one spill with N hash
 *       partitions (seeded hash) and later records go to N per-partition maps, all spilled
 *       together whenever memory is short again.
 *   <li>{@link #items()} yields partition by partition: a partition's segments from all spills
 *       are merged into memory ({@link PartitionLoader}) and yielded.
 *   <li>A partition that does not fit is re-partitioned by a child merger one level down, with a
 *       new seed, while the total number of partitions stays within
 *       {@link MergerSettings#maxTotalPartitions()} (N, N², ...).
 *   <li>Beyond that cap (for example keys whose hash codes all collide), the partition is merged
 *       by sort: an {@link ExternalSorter} orders its records by (hash, class, key), and equal
 *       keys, now adjacent, are combined as they stream past ({@link SortedGroupIterator}).
 * </ol>
 *
 * <p>Files: one file per spill; at most one spill file is read at a time while loading, and the
 * sort fallback opens at most {@link MergerSettings#maxOpenFiles()}. A level's files are deleted
 * when its partitions are done; everything is deleted by {@link #close()}, which is idempotent
 * and must be called at task end (a task completion listener) whether or not iteration finished.
 *
 * <p>Not thread-safe; spill requests from the task memory manager are handled as described on
 * {@link MemoryReservation} (never spilled re-entrantly or from another thread).
 */
public final class ExternalMerger<K, V, C> implements Closeable {

  private final MergerContext context;
  private final CombineFunctions<V, C> functions;
  private final BiFunction<Object, Object, Object> mergeCombinersFunction;
  private final int level;
  private final MemoryReservation memory;
  private final HashPartitionedBuffer<K, V, C> buffer;
  private List<Spill> spills = List.of();
  private CloseableIterator<Tuple2<K, C>> activeIterator;
  private boolean iterating;
  private boolean closed;

  public ExternalMerger(
      CombineFunctions<V, C> functions,
      MergerSettings settings,
      TaskMemoryManager taskMemoryManager,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      SpillFileSource fileFactory) {
    this(new MergerContext(settings, taskMemoryManager, serializerManager, serializer, new TempFileTracker<>(fileFactory)),
        functions, 1);
  }

  @SuppressWarnings("unchecked")
  private ExternalMerger(MergerContext context, CombineFunctions<V, C> functions, int level) {
    this.context = context;
    this.functions = java.util.Objects.requireNonNull(functions, "functions is null");
    this.mergeCombinersFunction = (left, right) -> functions.mergeCombiners((C) left, (C) right);
    this.level = level;
    this.memory = new MemoryReservation(context.taskMemoryManager, "ExternalMerger level " + level);
    this.buffer = new HashPartitionedBuffer<>(
        context, functions, (writer, key, combiner) -> writer.write(key, combiner), memory, level,
        null);
  }

  /** Combines raw values: {@code createCombiner} for a new key, {@code mergeValue} otherwise. */
  public void mergeValues(Iterator<? extends Product2<? extends K, ? extends V>> records) throws IOException {
    checkAcceptingInput();
    RecordBatch batch = new RecordBatch();
    while (batch.fill(records, null)) {
      buffer.insertValues(batch);
    }
  }

  /** Combines combiners produced elsewhere (map-side combine) with {@code mergeCombiners}. */
  public void mergeCombiners(Iterator<? extends Product2<? extends K, ? extends C>> records) throws IOException {
    checkAcceptingInput();
    RecordBatch batch = new RecordBatch();
    while (batch.fill(records, "combiner is null")) {
      buffer.insertCombiners(batch);
    }
  }

  private void checkAcceptingInput() {
    if (iterating || closed) {
      throw new IllegalStateException("ExternalMerger does not accept records after items() or close()");
    }
  }

  /**
   * Every key once, with its combiner; call once, after the last merge. Partitions come out one
   * after another, so the order is neither sorted nor stable.
   */
  public CloseableIterator<Tuple2<K, C>> items() throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException("items() can be called once, before close()");
    }
    iterating = true;
    if (buffer.allInMemory()) {
      activeIterator = new MapIterator<K, C, C>(buffer.inMemoryMap(), Function.identity(),
          buffer::releaseMemory);
    } else {
      spills = buffer.finishSpilling();
      activeIterator = new PartitionByPartitionIterator<>(
          context.settings.numSpillPartitions(), this::openPartition, this::deleteSpillsAndReleaseMemory);
    }
    return activeIterator;
  }

  @SuppressWarnings("unchecked")
  private CloseableIterator<Tuple2<K, C>> openPartition(int partition) throws IOException {
    if (PartitionLoader.recordCount(spills, partition) == 0) {
      return null;
    }
    CombinerMap map =
        PartitionLoader.loadOrNull(context, spills, partition, mergeCombinersFunction, memory);
    if (map != null) {
      return new MapIterator<K, C, C>(map, Function.identity(), memory::releaseAll);
    }
    return canRepartition() ? repartition(partition) : mergeBySort(partition);
  }

  /** Whether splitting a partition of this level keeps the total within the cap. */
  private boolean canRepartition() {
    long totalPartitions = 1;
    for (int i = 0; i <= level; i++) {
      totalPartitions *= context.settings.numSpillPartitions();
      if (totalPartitions > context.settings.maxTotalPartitions()) {
        return false;
      }
    }
    return true;
  }

  private CloseableIterator<Tuple2<K, C>> repartition(int partition) throws IOException {
    context.metrics.recordRepartition();
    ExternalMerger<K, V, C> child = new ExternalMerger<>(context, functions, level + 1);
    try {
      PartitionLoader.forEachRecord(context, spills, partition, child.buffer::insertCombiner);
      return child.items();
    } catch (IOException | RuntimeException | Error e) {
      Closeables.runAll(e, child::close);
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private CloseableIterator<Tuple2<K, C>> mergeBySort(int partition) throws IOException {
    context.metrics.recordSortMerge();
    KeyHashing.HashThenKeyOrder keyOrder =
        new KeyHashing.HashThenKeyOrder(KeyHashing.seedForLevel(context.settings.hashSeed(), level + 1));
    ExternalSorter<Object, Object> sorter = new ExternalSorter<>(keyOrder, context.settings.sortSettings(),
        context.taskMemoryManager, context.serializerManager, context.serializer, context.files);
    try {
      PartitionLoader.forEachRecord(context, spills, partition, sorter::insert);
      CloseableIterator<Tuple2<Object, Object>> sorted = sorter.sortedIterator();
      context.metrics.recordUnleveledSpills(
          sorter.spillCount(), sorter.bytesSpilled(), sorter.memoryBytesSpilled());
      context.metrics.recordMemory(sorter.peakMemoryBytes());
      return new SortedGroupIterator<>(
          (CloseableIterator<Tuple2<K, C>>) (CloseableIterator<?>) sorted,
          keyOrder,
          Function.identity(),
          functions::mergeCombiners);
    } catch (IOException | RuntimeException | Error e) {
      Closeables.runAll(e, sorter::close);
      throw e;
    }
  }

  private void deleteSpillsAndReleaseMemory() {
    buffer.deleteSpillsAndReleaseMemory(context.files);
  }

  /**
   * Releases all memory and deletes all files of this merger (and, at the top level, of every
   * child merger and sorter it created). Idempotent; safe after a failure or mid-iteration.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CloseableIterator<Tuple2<K, C>> open = activeIterator;
    Closeables.runAll(null,
        open == null ? null : open::close,
        this::deleteSpillsAndReleaseMemory,
        level == 1 ? context.files::deleteAll : null);
  }

  /** Spill counts, bytes, recursion depth and peak memory of this merger and its children. */
  public MergerMetrics metrics() {
    return context.metrics;
  }

  /** Bytes reserved from the task memory manager by this level right now. */
  public long memoryUsedBytes() {
    return memory.getUsed();
  }
}
