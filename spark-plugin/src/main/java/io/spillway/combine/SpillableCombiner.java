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

import io.spillway.io.Closeables;
import io.spillway.memory.MemoryReservation;
import io.spillway.sort.CloseableIterator;
import io.spillway.sort.ExternalSorter;
import io.spillway.spill.Spill;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import scala.Product2;
import scala.Tuple2;

/**
 * The skeleton of both reduce-side combiners, in the shape of Trino's spillable aggregation
 * builder: three phases, one class; what differs is a few hooks.
 *
 * <ol>
 *   <li><b>In memory.</b> Records are combined into one hash map ({@link HashPartitionedBuffer})
 *       whose estimated size is reserved from the task memory manager as it grows. If it never
 *       runs short, {@link #items()} yields that map and nothing touches disk.
 *   <li><b>Spilling.</b> When a reservation comes back short, the map is written as one spill
 *       with N hash partitions (seeded hash); later records go to N per-partition maps, all
 *       spilled together whenever memory is short again.
 *   <li><b>Merging.</b> {@link #items()} yields partition by partition
 *       ({@link PartitionByPartitionIterator}): a partition's segments from every spill are loaded
 *       into one map ({@link PartitionLoader}) and yielded; a partition that does not fit goes to
 *       {@link #mergeOversized}, the subclass's answer (the merger re-partitions it with a new
 *       seed or, past the cap, merges it by sort; the group-by groups it by sort), usually through
 *       {@link #mergeBySort}.
 * </ol>
 *
 * <p>The hooks: the combine functions, how a combiner becomes spill records, the key order of a
 * spilled segment (at construction), {@link #output} (what a key's combiner is handed out as)
 * and {@link #mergeOversized}.
 *
 * <p>Files: at most one spill file is read at a time while loading, and the sort fallback opens
 * at most {@link MergerSettings#maxOpenFiles()}. A level's files are deleted when its partitions
 * are done; everything is deleted by {@link #close()}, which is idempotent and must be called at
 * task end whether or not iteration finished.
 *
 * <p>Not thread-safe; spill requests from the task memory manager are handled as described on
 * {@link MemoryReservation} (never spilled re-entrantly or from another thread).
 *
 * @param <K> key
 * @param <V> input value
 * @param <C> combiner, what the hash maps and the spills hold
 * @param <R> what a key's combiner is handed out as
 */
public abstract class SpillableCombiner<K, V, C, R> implements Closeable {

  final MergerContext context;

  /** Recursion level: 1 for the input, 2 for a re-partitioned partition, and so on. */
  final int level;

  final MemoryReservation memory;
  final HashPartitionedBuffer<K, V, C> buffer;
  private final BiFunction<Object, Object, Object> mergeCombinersFunction;

  /** Every spill of this level, oldest first, once the input is complete. */
  List<Spill> spills = List.of();

  private CloseableIterator<Tuple2<K, R>> activeIterator;
  private boolean iterating;
  private boolean closed;

  @SuppressWarnings("unchecked")
  SpillableCombiner(
      MergerContext context,
      int level,
      String name,
      CombineFunctions<V, C> functions,
      HashPartitionedBuffer.SpillRecordWriter<C> recordWriter,
      Comparator<Object> segmentOrder) {
    this.context = context;
    this.level = level;
    this.mergeCombinersFunction = (left, right) -> functions.mergeCombiners((C) left, (C) right);
    this.memory = new MemoryReservation(context.taskMemoryManager, name);
    this.buffer =
        new HashPartitionedBuffer<>(context, functions, recordWriter, memory, level, segmentOrder);
  }

  /** What a key's combiner is handed out as. */
  abstract R output(C combiner);

  /** The results of a partition too large to load into memory. */
  abstract CloseableIterator<Tuple2<K, R>> mergeOversized(int partition) throws IOException;

  /** Combines raw values: {@code createCombiner} for a new key, {@code mergeValue} otherwise. */
  public void mergeValues(Iterator<? extends Product2<? extends K, ? extends V>> records)
      throws IOException {
    checkAcceptingInput();
    RecordBatch batch = new RecordBatch();
    while (batch.fill(records, null)) {
      buffer.insertValues(batch);
    }
  }

  final void checkAcceptingInput() {
    if (iterating || closed) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " does not accept records after items() or close()");
    }
  }

  /**
   * Every key once, with its result; call once, after the last merge. Partitions come out one
   * after another, so the order is neither sorted nor stable.
   */
  public CloseableIterator<Tuple2<K, R>> items() throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException("items() can be called once, before close()");
    }
    iterating = true;
    if (buffer.allInMemory()) {
      activeIterator =
          new MapIterator<K, C, R>(buffer.inMemoryMap(), this::output, buffer::releaseMemory);
    } else {
      spills = buffer.finishSpilling();
      activeIterator =
          new PartitionByPartitionIterator<>(
              context.settings.numSpillPartitions(),
              this::openPartition,
              this::deleteSpillsAndReleaseMemory);
    }
    return activeIterator;
  }

  private CloseableIterator<Tuple2<K, R>> openPartition(int partition) throws IOException {
    if (PartitionLoader.recordCount(spills, partition) == 0) {
      return null;
    }
    CombinerMap map =
        PartitionLoader.loadOrNull(context, spills, partition, mergeCombinersFunction, memory);
    if (map != null) {
      return new MapIterator<K, C, R>(map, this::output, memory::releaseAll);
    }
    return mergeOversized(partition);
  }

  /** Puts one partition's records into a sorter (inserted, or merged where they are). */
  @FunctionalInterface
  interface SortFeed {
    void feed(ExternalSorter<Object, Object> sorter) throws IOException;
  }

  /**
   * The sort fallback: an {@link ExternalSorter} orders a partition's records by {@code keyOrder}
   * (a (hash, class, key) order), and equal keys, now adjacent, are folded as they stream past
   * ({@link SortedGroupIterator}): {@link #output} for a key's first combiner, {@code merge} for
   * the next ones. The sorter's spills and memory are counted in {@link #metrics()}.
   */
  final CloseableIterator<Tuple2<K, R>> mergeBySort(
      KeyHashing.HashThenKeyOrder keyOrder, SortFeed feed, BiFunction<R, C, R> merge)
      throws IOException {
    return mergeBySort(keyOrder, feed, this::output, merge);
  }

  /** {@link #mergeBySort} with {@code first} instead of {@link #output} for a key's first combiner. */
  @SuppressWarnings("unchecked")
  final CloseableIterator<Tuple2<K, R>> mergeBySort(
      KeyHashing.HashThenKeyOrder keyOrder,
      SortFeed feed,
      java.util.function.Function<C, R> first,
      BiFunction<R, C, R> merge)
      throws IOException {
    context.metrics.recordSortMerge();
    ExternalSorter<Object, Object> sorter =
        new ExternalSorter<>(
            keyOrder,
            context.settings.sortSettings(),
            context.taskMemoryManager,
            context.serializerManager,
            context.serializer,
            context.files);
    try {
      feed.feed(sorter);
      CloseableIterator<Tuple2<Object, Object>> sorted = sorter.sortedIterator();
      context.metrics.recordUnleveledSpills(
          sorter.spillCount(), sorter.bytesSpilled(), sorter.memoryBytesSpilled());
      context.metrics.recordMemory(sorter.peakMemoryBytes());
      return new SortedGroupIterator<K, C, R>(
          (CloseableIterator<Tuple2<K, C>>) (CloseableIterator<?>) sorted, keyOrder, first, merge);
    } catch (IOException | RuntimeException | Error e) {
      Closeables.runAll(e, sorter::close);
      throw e;
    }
  }

  private void deleteSpillsAndReleaseMemory() {
    buffer.deleteSpillsAndReleaseMemory(context.files);
  }

  /**
   * Releases all memory and deletes every file (at the top level, also those of every child
   * level, sorter and list this combiner created). Idempotent; safe after a failure or
   * mid-iteration.
   */
  @Override
  public void close() {
    close(false);
  }

  /**
   * @param keepListFiles the lists handed out keep their files until they are unreachable ({@link
   *     ExternalList#keepFileWhileReachable}) instead of being closed
   */
  final void close(boolean keepListFiles) {
    if (closed) {
      return;
    }
    closed = true;
    CloseableIterator<Tuple2<K, R>> open = activeIterator;
    List<Closeables.Cleanup> steps = new ArrayList<>();
    steps.add(open == null ? null : open::close);
    if (level == 1) {
      for (ExternalList<?> list : context.spilledLists) {
        steps.add(keepListFiles ? list::keepFileWhileReachable : list::close);
      }
      context.spilledLists.clear();
      steps.add(context::releaseListMemory);
    }
    steps.add(this::deleteSpillsAndReleaseMemory);
    steps.add(level == 1 ? context.files::deleteAll : null);
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  /** Spill counts, bytes, recursion depth and peak memory of this combiner and its children. */
  public MergerMetrics metrics() {
    return context.metrics;
  }

  /** Bytes reserved from the task memory manager by this level right now. */
  public long memoryUsedBytes() {
    return memory.getUsed();
  }
}
