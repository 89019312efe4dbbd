package io.spillway.combine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.spillway.io.Closeables;
import io.spillway.io.TempFileTracker;
import io.spillway.memory.MemoryReservation;
import io.spillway.sort.SegmentedSpillWriter;
import io.spillway.memory.SizeTracker;
import io.spillway.sort.SpillFile;
import io.spillway.sort.SpilledSegments;

/**
 * The input side of one merger level: combines records into an in-memory hash map whose
 * estimated size is reserved through a {@link MemoryReservation}; when a reservation comes back
 * short, writes everything to one spill file with one segment per hash partition (see
 * {@link SpilledSegments}) and from then on combines into one map per partition, spilling them
 * all together whenever memory runs short again. Keys may be null.
 *
 * <p>Why one file with N segments rather than N files (as PySpark does): it keeps one file open
 * per spill whatever N is, and a partition is read back one segment at a time.
 */
final class HashPartitionedBuffer<K, V, C> {

  /** How one combiner becomes spill records; the group-by splits long value chunks. */
  @FunctionalInterface
  interface SpillRecordWriter<C> {
    void write(SegmentedSpillWriter writer, Object key, C combiner) throws IOException;
  }

  /** The maps; a holder so the size tracker always measures the current ones. */
  private static final class Maps {
    HashMap<Object, Object> unpartitioned;
    HashMap<Object, Object>[] partitions;
  }

  private final MergerContext context;
  private final CombineFunctions<V, C> functions;
  private final BiFunction<Object, Object, Object> mergeCombinersFunction;
  private final SpillRecordWriter<C> recordWriter;
  private final MemoryReservation memory;
  private final int level;
  private final int seed;
  private final int numPartitions;
  private final SizeTracker sizeTracker = new SizeTracker();
  private final Maps maps = new Maps();
  private final List<SpilledSegments> spills = new ArrayList<>();
  private long recordsSinceSpill;

  /**
   * @param level recursion level of these spills (1 for the input, 2 for a re-partitioned
   *     partition, ...); levels above 1 partition from the first record
   */
  @SuppressWarnings("unchecked")
  HashPartitionedBuffer(
      MergerContext context,
      CombineFunctions<V, C> functions,
      SpillRecordWriter<C> recordWriter,
      MemoryReservation memory,
      int level) {
    this.context = context;
    this.functions = functions;
    this.mergeCombinersFunction = (left, right) -> functions.mergeCombiners((C) left, (C) right);
    this.recordWriter = recordWriter;
    this.memory = memory;
    this.level = level;
    this.seed = KeyHashing.seedForLevel(context.settings.hashSeed(), level);
    this.numPartitions = context.settings.numSpillPartitions();
    if (level == 1) {
      maps.unpartitioned = new HashMap<>();
    } else {
      maps.partitions = newPartitionMaps();
    }
    sizeTracker.reset(maps);
  }

  @SuppressWarnings("unchecked")
  private HashMap<Object, Object>[] newPartitionMaps() {
    HashMap<Object, Object>[] partitionMaps = new HashMap[numPartitions];
    for (int i = 0; i < numPartitions; i++) {
      // An empty HashMap allocates its table on the first put, so unused partitions cost ~48 bytes.
      partitionMaps[i] = new HashMap<>();
    }
    return partitionMaps;
  }

  private HashMap<Object, Object> mapFor(Object key) {
    return maps.partitions == null
        ? maps.unpartitioned
        : maps.partitions[KeyHashing.partition(key, seed, numPartitions)];
  }

  @SuppressWarnings("unchecked")
  void insertValue(K key, V value) throws IOException {
    HashMap<Object, Object> map = mapFor(key);
    C combiner = (C) map.get(key);
    // Combiners are never null (CombineFunctions checks), so null means "absent".
    map.put(key, combiner == null ? functions.createCombiner(value) : functions.mergeValue(combiner, value));
    afterUpdate();
  }

  void insertCombiner(Object key, Object combiner) throws IOException {
    mapFor(key).merge(key, combiner, mergeCombinersFunction);
    afterUpdate();
  }

  private void afterUpdate() throws IOException {
    if (++recordsSinceSpill >= context.settings.forceSpillRecords()) {
      spill();
      return;
    }
    sizeTracker.afterUpdate();
    long estimatedBytes = sizeTracker.estimatedBytes();
    if (estimatedBytes > memory.reservedBytes() && !memory.tryGrow(estimatedBytes)) {
      spill();
    }
  }

  boolean hasSpilled() {
    return !spills.isEmpty();
  }

  /** True when nothing was ever spilled and the data is in the single in-memory map. */
  boolean allInMemory() {
    return maps.partitions == null;
  }

  /** The in-memory map; only while {@link #allInMemory()}. */
  @SuppressWarnings("unchecked")
  Map<K, C> inMemoryMap() {
    assert allInMemory();
    return (Map<K, C>) (Map<?, ?>) maps.unpartitioned;
  }

  /** Spills what is still in memory (partitioned mode) and returns all spills, oldest first. */
  List<SpilledSegments> finishSpilling() throws IOException {
    assert !allInMemory();
    for (HashMap<Object, Object> map : maps.partitions) {
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
  List<SpilledSegments> spills() {
    return spills;
  }

  /** Drops the maps and returns their memory; the spill files stay with the owner. */
  /**
   * Deletes every spill file of this buffer and releases its memory; all steps run, the first
   * failure is thrown with the others suppressed.
   */
  void deleteSpillsAndReleaseMemory(TempFileTracker<SpillFile> files) {
    List<SpilledSegments> toDelete = spills();
    Closeables.Cleanup[] steps = new Closeables.Cleanup[toDelete.size() + 1];
    for (int i = 0; i < toDelete.size(); i++) {
      SpilledSegments spill = toDelete.get(i);
      steps[i] = () -> files.delete(spill.spillFile());
    }
    steps[toDelete.size()] = this::releaseMemory;
    Closeables.runAll(null, steps);
  }

  void releaseMemory() {
    maps.unpartitioned = null;
    maps.partitions = null;
    context.metrics.recordMemory(memory.peakReservedBytes());
    memory.releaseAll();
  }

  private void spill() throws IOException {
    long inMemoryBytes = sizeTracker.estimatedBytes();
    SpillFile file = context.files.create();
    SegmentedSpillWriter writer = new SegmentedSpillWriter(
        file, context.serializerManager, context.serializer, context.settings.fileBufferBytes(), false, true);
    SpilledSegments spilled;
    try {
      if (maps.partitions == null) {
        writeUnpartitioned(writer, maps.unpartitioned);
      } else {
        for (HashMap<Object, Object> map : maps.partitions) {
          writer.beginSegment();
          for (Map.Entry<Object, Object> entry : map.entrySet()) {
            writeRecord(writer, entry);
          }
          writer.endSegment();
        }
      }
      spilled = writer.finish();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort(e);
      Closeables.runAll(e, () -> context.files.delete(file));
      throw e;
    }
    spills.add(spilled);
    context.metrics.recordSpill(spilled.lengthBytes(), inMemoryBytes, level);
    context.metrics.recordMemory(memory.peakReservedBytes());
    maps.unpartitioned = null;
    maps.partitions = newPartitionMaps();
    memory.releaseAll();
    sizeTracker.reset(maps);
    recordsSinceSpill = 0;
  }

  @SuppressWarnings("unchecked")
  private void writeRecord(SegmentedSpillWriter writer, Map.Entry<Object, Object> entry) throws IOException {
    recordWriter.write(writer, entry.getKey(), (C) entry.getValue());
  }

  /**
   * The first spill: orders the map's entries by partition with a counting sort (two reference
   * arrays and an int array, a fraction of the map's own size) and writes them as segments.
   */
  @SuppressWarnings("unchecked")
  private void writeUnpartitioned(SegmentedSpillWriter writer, HashMap<Object, Object> map) throws IOException {
    Object[] entries = map.entrySet().toArray();
    int[] partitionOfEntry = new int[entries.length];
    int[] partitionStarts = new int[numPartitions + 1];
    for (int i = 0; i < entries.length; i++) {
      int partition = KeyHashing.partition(((Map.Entry<Object, Object>) entries[i]).getKey(), seed, numPartitions);
      partitionOfEntry[i] = partition;
      partitionStarts[partition + 1]++;
    }
    for (int partition = 0; partition < numPartitions; partition++) {
      partitionStarts[partition + 1] += partitionStarts[partition];
    }
    int[] nextSlot = partitionStarts.clone();
    Object[] ordered = new Object[entries.length];
    for (int i = 0; i < entries.length; i++) {
      ordered[nextSlot[partitionOfEntry[i]]++] = entries[i];
    }
    for (int partition = 0; partition < numPartitions; partition++) {
      writer.beginSegment();
      for (int i = partitionStarts[partition]; i < partitionStarts[partition + 1]; i++) {
        writeRecord(writer, (Map.Entry<Object, Object>) ordered[i]);
      }
      writer.endSegment();
    }
  }
}
