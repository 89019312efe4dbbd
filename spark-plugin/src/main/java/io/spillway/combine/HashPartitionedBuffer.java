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
import io.spillway.io.TempFileTracker;
import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import io.spillway.memory.ReferenceArrays;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * The input side of one merger level: combines records into an in-memory hash map whose
 * estimated size is reserved through a {@link MemoryReservation}; when a reservation comes back
 * short, writes everything to one spill file with one segment per hash partition (see
 * {@link Spill}) and from then on combines into one map per partition, spilling them
 * all together whenever memory runs short again. Keys may be null.
 *
 * <p>Why one file with N segments rather than N files (as PySpark does): it keeps one file open
 * per spill whatever N is, and a partition is read back one segment at a time.
 *
 * <p>Spill requests from another consumer of the task (see {@link MemoryReservation}) are
 * honoured while the buffer takes input and is between two records (for example while the owner
 * pulls the next batch from an upstream iterator that allocates): everything in memory is spilled
 * as it would be for a short grant, and the reservation released is returned. Once the output
 * side has the maps ({@link #inMemoryMap()}, {@link #finishSpilling()}), requests free nothing.
 *
 * <p>With a {@code segmentOrder}, each segment is written in that order of its keys, so a
 * partition too large to load can be grouped by merging its segments (see
 * {@link io.spillway.sort.ExternalSorter#addSortedRun}) instead of sorting its records again.
 */
final class HashPartitionedBuffer<K, V, C> {

  /** How one combiner becomes spill records; the group-by splits long value chunks. */
  @FunctionalInterface
  interface SpillRecordWriter<C> {
    void write(SpillWriter writer, Object key, C combiner) throws IOException;
  }

  /** The maps; a holder so the size tracker always measures the current ones. */
  private static final class Maps {
    CombinerMap unpartitioned;
    CombinerMap[] partitions;
  }

  private final MergerContext context;
  private final CombineFunctions<V, C> functions;
  private final BiFunction<Object, Object, Object> mergeCombinersFunction;
  private final BiFunction<Object, Object, Object> mergeValueFunction;
  private final SpillRecordWriter<C> recordWriter;
  private final MemoryReservation memory;
  private final int level;
  private final int seed;
  private final int numPartitions;

  /** The order of the keys inside each written segment; null: map order. */
  private final Comparator<Object> segmentOrder;

  private final EntrySizeSampler sizes = new EntrySizeSampler();
  private final Maps maps = new Maps();
  private final IntFunction<CombinerMap> mapOfHash = this::mapFor;
  private final List<Spill> spills = new ArrayList<>();
  private long recordsSinceSpill;

  /** Inside an insert or a spill: the maps are being changed, a spill request must wait. */
  private boolean busy;

  /** The output side took the maps: no more input, no more spills. */
  private boolean inputClosed;

  /** {@link #tableBytes()}, kept current: it only changes when a map grows or is replaced. */
  private long tableBytes;

  /**
   * @param level recursion level of these spills (1 for the input, 2 for a re-partitioned
   *     partition, ...); levels above 1 partition from the first record
   * @param segmentOrder the order of the keys in each written segment, or null for map order
   *     (cheaper: no sort per spill)
   */
  @SuppressWarnings("unchecked")
  HashPartitionedBuffer(
      MergerContext context,
      CombineFunctions<V, C> functions,
      SpillRecordWriter<C> recordWriter,
      MemoryReservation memory,
      int level,
      Comparator<Object> segmentOrder) {
    this.context = context;
    this.functions = functions;
    this.mergeCombinersFunction = (left, right) -> functions.mergeCombiners((C) left, (C) right);
    this.mergeValueFunction = (combiner, value) -> functions.mergeValue((C) combiner, (V) value);
    this.recordWriter = recordWriter;
    this.memory = memory;
    this.level = level;
    this.segmentOrder = segmentOrder;
    this.seed = KeyHashing.seedForLevel(context.settings.hashSeed(), level);
    this.numPartitions = context.settings.numSpillPartitions();
    if (level == 1) {
      maps.unpartitioned = new CombinerMap(1024);
    } else {
      maps.partitions = newPartitionMaps();
    }
    tableBytes = tableBytes();
    memory.setSpillHandler(this::spillOnRequest);
  }

  /** Spills everything in memory if the buffer is between two records of its input. */
  private long spillOnRequest(long requestedBytes, boolean requestedByItself) throws IOException {
    if (busy || inputClosed || recordsSinceSpill == 0) {
      return 0;
    }
    long released = memory.reservedBytes();
    spill();
    return released;
  }

  private CombinerMap[] newPartitionMaps() {
    CombinerMap[] partitionMaps = new CombinerMap[numPartitions];
    for (int i = 0; i < numPartitions; i++) {
      partitionMaps[i] = new CombinerMap();
    }
    return partitionMaps;
  }

  /** The map of the keys whose {@link CombinerMap#hashOf} is {@code hash}. */
  private CombinerMap mapFor(int hash) {
    return maps.partitions == null
        ? maps.unpartitioned
        : maps.partitions[KeyHashing.partitionOfHashCode(hash, seed, numPartitions)];
  }

  /** Bytes of the maps' tables: recomputed when one grows, which is rare. */
  private long tableBytes() {
    if (maps.partitions == null) {
      return maps.unpartitioned == null ? 0 : maps.unpartitioned.tableBytes();
    }
    long bytes = ReferenceArrays.bytes(maps.partitions.length);
    for (CombinerMap map : maps.partitions) {
      bytes += map.tableBytes();
    }
    return bytes;
  }

  /**
   * Combines a batch of raw values, prefetching their slots first (see {@link CombinerMap}). A
   * spill in the middle of the batch replaces the maps; the later records are then looked up
   * without the prefetch's help, and with the same result.
   */
  @SuppressWarnings("unchecked")
  void insertValues(RecordBatch batch) throws IOException {
    busy = true;
    try {
      batch.hashAndPrefetch(mapOfHash);
      for (int i = 0; i < batch.size; i++) {
        insertValue((K) batch.keys[i], (V) batch.values[i], batch.hashes[i]);
      }
    } finally {
      busy = false;
    }
  }

  /** Combines a batch of combiners, as {@link #insertValues} does values. */
  void insertCombiners(RecordBatch batch) throws IOException {
    busy = true;
    try {
      batch.hashAndPrefetch(mapOfHash);
      for (int i = 0; i < batch.size; i++) {
        insertCombiner(batch.keys[i], batch.values[i], batch.hashes[i]);
      }
    } finally {
      busy = false;
    }
  }

  void insertCombiner(Object key, Object combiner) throws IOException {
    busy = true;
    try {
      insertCombiner(key, combiner, CombinerMap.hashOf(key));
    } finally {
      busy = false;
    }
  }

  @SuppressWarnings("unchecked")
  private void insertValue(K key, V value, int hash) throws IOException {
    CombinerMap map = mapFor(hash);
    int slot = map.find(key, hash);
    if (slot < 0) {
      C created = functions.createCombiner(value);
      if (map.insertAt(slot, key, created)) {
        tableBytes = tableBytes();
      }
      sizes.inserted(key, created);
    } else {
      map.mergeAt(slot, value, mergeValueFunction, sizes);
    }
    afterUpdate();
  }

  private void insertCombiner(Object key, Object combiner, int hash) throws IOException {
    CombinerMap map = mapFor(hash);
    int slot = map.find(key, hash);
    if (slot < 0) {
      if (map.insertAt(slot, key, combiner)) {
        tableBytes = tableBytes();
      }
      sizes.inserted(key, combiner);
    } else {
      map.mergeAt(slot, combiner, mergeCombinersFunction, sizes);
    }
    afterUpdate();
  }

  private void afterUpdate() throws IOException {
    if (++recordsSinceSpill >= context.settings.forceSpillRecords()) {
      spill();
      return;
    }
    long estimatedBytes = sizes.estimatedBytes() + tableBytes;
    if (estimatedBytes > memory.reservedBytes() && !memory.tryGrow(estimatedBytes)) {
      spill();
    }
  }

  /** True when nothing was ever spilled and the data is in the single in-memory map. */
  boolean allInMemory() {
    return maps.partitions == null;
  }

  /** The in-memory map; only while {@link #allInMemory()}. */
  CombinerMap inMemoryMap() {
    assert allInMemory();
    inputClosed = true;
    return maps.unpartitioned;
  }

  /** Spills what is still in memory (partitioned mode) and returns all spills, oldest first. */
  List<Spill> finishSpilling() throws IOException {
    assert !allInMemory();
    inputClosed = true;
    for (CombinerMap map : maps.partitions) {
      if (!map.isEmpty()) {
        spill();
        break;
      }
    }
    maps.partitions = null;
    memory.releaseAll();
    return spills;
  }

  /** Every spill file written so far, so an owner can delete them. */
  List<Spill> spills() {
    return spills;
  }

  /** Drops the maps and returns their memory; the spill files stay with the owner. */
  /**
   * Deletes every spill file of this buffer and releases its memory; all steps run, the first
   * failure is thrown with the others suppressed.
   */
  void deleteSpillsAndReleaseMemory(TempFileTracker<SpillFile> files) {
    List<Spill> toDelete = spills();
    Closeables.Cleanup[] steps = new Closeables.Cleanup[toDelete.size() + 1];
    for (int i = 0; i < toDelete.size(); i++) {
      Spill spill = toDelete.get(i);
      steps[i] = () -> files.delete(spill.spillFile());
    }
    steps[toDelete.size()] = this::releaseMemory;
    Closeables.runAll(null, steps);
  }

  void releaseMemory() {
    inputClosed = true;
    maps.unpartitioned = null;
    maps.partitions = null;
    context.metrics.recordMemory(memory.peakReservedBytes());
    memory.releaseAll();
  }

  private void spill() throws IOException {
    long inMemoryBytes = sizes.estimatedBytes() + tableBytes;
    SpillFile file = context.files.create();
    SpillWriter writer =
        SpillWriter.records(
            file,
            context.serializerManager,
            context.serializer,
            context.settings.fileBufferBytes(),
            false,
            true);
    Spill spilled;
    try {
      if (maps.partitions == null) {
        writeUnpartitioned(writer, maps.unpartitioned);
      } else {
        for (CombinerMap map : maps.partitions) {
          writeSegment(writer, map);
        }
      }
      spilled = writer.finish();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort(e);
      Closeables.runAll(e, () -> context.files.delete(file));
      throw e;
    }
    spills.add(spilled);
    context.metrics.recordSpill(spilled.totalBytes(), inMemoryBytes, level);
    context.metrics.recordMemory(memory.peakReservedBytes());
    maps.unpartitioned = null;
    maps.partitions = newPartitionMaps();
    memory.releaseAll();
    sizes.reset();
    tableBytes = tableBytes();
    recordsSinceSpill = 0;
  }

  @SuppressWarnings("unchecked")
  private void writeRecord(SpillWriter writer, Object key, Object combiner) throws IOException {
    recordWriter.write(writer, key, (C) combiner);
  }

  /**
   * The first spill: orders the map's slots by partition with a counting sort (three int arrays,
   * a fraction of the map's own size) and writes them as segments.
   */
  private void writeUnpartitioned(SpillWriter writer, CombinerMap map) throws IOException {
    int[] slots = new int[map.size()];
    int[] partitionOfEntry = new int[slots.length];
    int[] partitionStarts = new int[numPartitions + 1];
    int n = 0;
    for (int slot = map.nextSlot(0); slot >= 0; slot = map.nextSlot(slot + 1)) {
      int partition = KeyHashing.partition(map.keyAt(slot), seed, numPartitions);
      slots[n] = slot;
      partitionOfEntry[n++] = partition;
      partitionStarts[partition + 1]++;
    }
    for (int partition = 0; partition < numPartitions; partition++) {
      partitionStarts[partition + 1] += partitionStarts[partition];
    }
    int[] nextSlot = partitionStarts.clone();
    int[] ordered = new int[slots.length];
    for (int i = 0; i < slots.length; i++) {
      ordered[nextSlot[partitionOfEntry[i]]++] = slots[i];
    }
    for (int partition = 0; partition < numPartitions; partition++) {
      sortByKey(map, ordered, partitionStarts[partition], partitionStarts[partition + 1]);
      writer.beginSegment();
      for (int i = partitionStarts[partition]; i < partitionStarts[partition + 1]; i++) {
        writeRecord(writer, map.keyAt(ordered[i]), map.valueAt(ordered[i]));
      }
      writer.endSegment();
    }
  }

  /** One partition's map as one segment, in {@link #segmentOrder} when there is one. */
  private void writeSegment(SpillWriter writer, CombinerMap map) throws IOException {
    writer.beginSegment();
    if (segmentOrder == null) {
      for (int slot = map.nextSlot(0); slot >= 0; slot = map.nextSlot(slot + 1)) {
        writeRecord(writer, map.keyAt(slot), map.valueAt(slot));
      }
    } else {
      int[] slots = new int[map.size()];
      int n = 0;
      for (int slot = map.nextSlot(0); slot >= 0; slot = map.nextSlot(slot + 1)) {
        slots[n++] = slot;
      }
      sortByKey(map, slots, 0, n);
      for (int slot : slots) {
        writeRecord(writer, map.keyAt(slot), map.valueAt(slot));
      }
    }
    writer.endSegment();
  }

  /** Orders {@code slots[from, to)} by {@link #segmentOrder} of their keys; no-op without one. */
  private void sortByKey(CombinerMap map, int[] slots, int from, int to) {
    if (segmentOrder == null || to - from < 2) {
      return;
    }
    Integer[] boxed = new Integer[to - from];
    for (int i = from; i < to; i++) {
      boxed[i - from] = slots[i];
    }
    Arrays.sort(boxed, (left, right) -> segmentOrder.compare(map.keyAt(left), map.keyAt(right)));
    for (int i = from; i < to; i++) {
      slots[i] = boxed[i - from];
    }
  }
}
