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
package io.spillway.sort;

import io.spillway.io.Closeables;
import io.spillway.io.TempFileTracker;
import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import io.spillway.memory.ReferenceArrays;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillReader;
import io.spillway.spill.SpillWriter;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.Product2;
import scala.Tuple2;

/**
 * Sorts key/value records by key with bounded memory: records collect in an in-memory buffer
 * whose estimated size is reserved from the {@link TaskMemoryManager}; when a reservation comes
 * back short the buffer is sorted and written as a run (a {@link Spill} with one
 * segment). {@link #sortedIterator()} merges the runs and the last buffer with a heap. At most
 * {@link SortSettings#mergeFanIn()} runs are read at once; with more runs, intermediate passes
 * merge groups of runs into longer runs first (each pass also opens one output file).
 *
 * <p>A buffer is sorted by 64-bit key prefixes ({@link KeyPrefixSort}) when the ordering is a
 * natural order of String, Long or Integer keys ({@link KeyPrefix} lists the ones recognized),
 * otherwise with the ordering; both give the same key order.
 *
 * <p>The sort is not stable for records with equal keys in the same run; across runs, earlier
 * runs come first. A {@code scala.math.Ordering} is a {@link Comparator} and can be passed
 * directly. Not thread-safe; see {@link MemoryReservation} for how spill requests are handled:
 * one from another consumer of the task, between two inserts, sorts the buffer (with the
 * ordering: key-prefix sorting would reserve scratch memory, which a spill must not ask for) and
 * writes it as a run; once iterating, requests free nothing.
 *
 * <p>Runs that are already sorted by the same order (segments of another component's spill file)
 * can be added with {@link #addSortedRun}: they are merged like the sorter's own runs, without
 * being read into memory and written again, and stay the other component's to delete.
 *
 * <p>Lifecycle: insert, then iterate once. Exhausting the iterator deletes the runs and releases
 * the memory; {@link #close()} does the same at any time and is idempotent (register it with the
 * task completion listener).
 */
public final class ExternalSorter<K, V> implements Closeable {

  private static final int INITIAL_BUFFER_CAPACITY = 1024;

  private final Comparator<Object> keyOrder;
  private final Comparator<Tuple2<?, ?>> recordOrder;
  private final KeyPrefix keyPrefix;
  private final SortSettings settings;
  private final SerializerManager serializerManager;
  private final SerializerInstance serializer;
  private final TempFileTracker<SpillFile> files;
  private final MemoryReservation memory;

  /**
   * Sizes of sampled records (one in 32 after the first 16), not measurements of the whole
   * buffer at exponentially spaced inserts (Spark's {@code SizeTracker}): that schedule restarts
   * at every spill, and each measurement samples the array deeply; on the hot-key groupByKey (a reducer
   * sorting millions of byte[200] values in ~100 runs) that took 17% of the job's CPU samples
   * (profile of the {@code rdd-groupbykey-hotkey} workload of {@code bin/benchmark}, commit
   * 3b93481).
   */
  private final EntrySizeSampler recordSizes = new EntrySizeSampler();

  private final Buffer buffer = new Buffer();
  private final List<Run> runs = new ArrayList<>();
  private final List<SpillReader> openReaders = new ArrayList<>();
  private long spillCount;
  private long bytesSpilled;
  private long memoryBytesSpilled;
  private int mergePasses;
  private boolean iterating;
  private boolean closed;

  /** Inside an insert or a spill: a spill request must wait. */
  private boolean busy;

  /** The in-memory records and how many there are. */
  private static final class Buffer {
    Tuple2<?, ?>[] records = new Tuple2<?, ?>[INITIAL_BUFFER_CAPACITY];
    int size;
  }

  @SuppressWarnings("unchecked")
  public ExternalSorter(
      Comparator<? super K> keyOrder,
      SortSettings settings,
      TaskMemoryManager taskMemoryManager,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      TempFileTracker<SpillFile> files) {
    this.keyOrder = (Comparator<Object>) Objects.requireNonNull(keyOrder, "keyOrder is null");
    this.recordOrder = (left, right) -> this.keyOrder.compare(left._1(), right._1());
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.keyPrefix = settings.keyPrefixes() ? KeyPrefix.forOrdering(keyOrder) : null;
    this.serializerManager = Objects.requireNonNull(serializerManager, "serializerManager is null");
    this.serializer = Objects.requireNonNull(serializer, "serializer is null");
    this.files = Objects.requireNonNull(files, "files is null");
    this.memory =
        new MemoryReservation(
            Objects.requireNonNull(taskMemoryManager, "taskMemoryManager is null"),
            "ExternalSorter");
    memory.setSpillHandler(this::spillOnRequest);
  }

  /** Writes the buffer as a run if the sorter is between two inserts. */
  private long spillOnRequest(long requestedBytes, boolean requestedByItself) throws IOException {
    if (busy || iterating || closed || buffer.size == 0) {
      return 0;
    }
    long released = memory.reservedBytes();
    busy = true;
    try {
      spillBuffer(false);
    } finally {
      busy = false;
    }
    return released;
  }

  /** Whether in-memory runs are sorted by key prefix ({@link KeyPrefix}); for tests. */
  boolean sortsByKeyPrefix() {
    return keyPrefix != null;
  }

  public void insertAll(Iterator<? extends Product2<? extends K, ? extends V>> records)
      throws IOException {
    while (records.hasNext()) {
      Product2<? extends K, ? extends V> record = records.next();
      // Reuse immutable tuples as they come; copy anything else (it may be a reused object).
      insert(record instanceof Tuple2<?, ?> tuple ? tuple : new Tuple2<>(record._1(), record._2()));
    }
  }

  public void insert(K key, V value) throws IOException {
    insert(new Tuple2<>(key, value));
  }

  private void insert(Tuple2<?, ?> record) throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException(
          "ExternalSorter does not accept records after sortedIterator() or close()");
    }
    if (buffer.size == buffer.records.length) {
      buffer.records = Arrays.copyOf(buffer.records, buffer.size * 2);
    }
    busy = true;
    try {
      buffer.records[buffer.size++] = record;
      recordSizes.inserted(record, null);
      long estimatedBytes = estimatedBytes();
      if (estimatedBytes > memory.reservedBytes() && !memory.tryGrow(estimatedBytes)) {
        spillBuffer(true);
      }
    } finally {
      busy = false;
    }
  }

  /**
   * Sorts the buffer, writes it as a run and frees its memory.
   *
   * @param mayReserveScratch whether the sort may ask for scratch memory (not inside a spill
   *     request)
   */
  private void spillBuffer(boolean mayReserveScratch) throws IOException {
    sortBuffer(mayReserveScratch);
    Spill run = writeRun(new BufferSource(buffer.records, buffer.size));
    runs.add(Run.owned(run));
    memoryBytesSpilled += estimatedBytes();
    spillCount++;
    bytesSpilled += run.totalBytes();
    // A fresh small array, so the memory we return to the task memory manager is really free.
    buffer.records = new Tuple2<?, ?>[INITIAL_BUFFER_CAPACITY];
    buffer.size = 0;
    memory.releaseAll();
    recordSizes.reset();
  }

  /** The buffered records' estimated heap bytes, their array included. */
  private long estimatedBytes() {
    return recordSizes.estimatedBytes() + ReferenceArrays.bytes(buffer.records.length);
  }

  /**
   * Sorts the buffer by key prefix when the ordering has one and its scratch memory is granted
   * (see {@link KeyPrefixSort}), otherwise with the ordering.
   */
  private void sortBuffer(boolean mayReserveScratch) {
    boolean sorted = false;
    if (mayReserveScratch && keyPrefix != null && buffer.size >= KeyPrefixSort.MIN_RECORDS) {
      long reservedBefore = memory.reservedBytes();
      long scratch = KeyPrefixSort.scratchBytes(buffer.size);
      // The scratch arrays are garbage once the sort returns: reserve them for its duration only.
      if (memory.tryGrowExactly(Math.max(reservedBefore, estimatedBytes()) + scratch)) {
        sorted = KeyPrefixSort.sort(buffer.records, buffer.size, keyPrefix, recordOrder);
      }
      memory.releaseDownTo(reservedBefore);
    }
    if (!sorted) {
      Arrays.sort(buffer.records, 0, buffer.size, recordOrder);
    }
  }

  private Spill writeRun(MergeHeap.Source source) throws IOException {
    SpillFile file = files.create();
    SpillWriter writer =
        SpillWriter.records(
            file, serializerManager, serializer, settings.fileBufferBytes(), false, true);
    try {
      writer.beginSegment();
      while (source.advance()) {
        writer.write(source.key(), source.value());
      }
      writer.endSegment();
      return writer.finish();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort(e);
      Closeables.runAll(e, () -> files.delete(file));
      throw e;
    }
  }

  /**
   * Adds a run that is sorted by this sorter's key order already: segment {@code segment} of a
   * spill written by someone else, who keeps it (this sorter never deletes its file). It merges
   * after the runs added or spilled before it. Call before {@link #sortedIterator()}.
   */
  public void addSortedRun(Spill spill, int segment) {
    if (iterating || closed) {
      throw new IllegalStateException(
          "ExternalSorter does not accept runs after sortedIterator() or close()");
    }
    if (!spill.pairs()) {
      throw new IllegalArgumentException("a run must hold key/value pairs");
    }
    if (spill.recordCount(segment) > 0) {
      runs.add(new Run(spill, segment));
    }
  }

  /**
   * Returns all records in key order. Call once, after the last insert. With spills, this first
   * runs the intermediate merge passes that bring the number of runs down to the fan-in.
   */
  public CloseableIterator<Tuple2<K, V>> sortedIterator() throws IOException {
    if (iterating || closed) {
      throw new IllegalStateException("sortedIterator() can be called once, before close()");
    }
    iterating = true;
    sortBuffer(true);
    if (runs.isEmpty()) {
      return new SortedIterator(new BufferSource(buffer.records, buffer.size));
    }
    try {
      reduceRunsToFanIn();
      MergeHeap.Source[] sources = new MergeHeap.Source[runs.size() + 1];
      for (int i = 0; i < runs.size(); i++) {
        sources[i] = openRun(runs.get(i));
      }
      sources[runs.size()] = new BufferSource(buffer.records, buffer.size);
      mergePasses++;
      return new SortedIterator(new HeapSource(new MergeHeap(sources, keyOrder)));
    } catch (IOException | RuntimeException | Error e) {
      Closeables.runAll(e, this::close);
      throw e;
    }
  }

  /** Intermediate passes: merge the oldest fan-in runs into one until few enough remain. */
  private void reduceRunsToFanIn() throws IOException {
    int fanIn = settings.mergeFanIn();
    while (runs.size() > fanIn) {
      List<Run> merged = new ArrayList<>();
      try {
        for (int from = 0; from < runs.size(); from += fanIn) {
          List<Run> group = runs.subList(from, Math.min(runs.size(), from + fanIn));
          merged.add(group.size() == 1 ? group.get(0) : Run.owned(mergeIntoRun(group)));
        }
      } finally {
        // Keep every run file of this pass where close() can see it, finished or failed.
        for (Run run : merged) {
          if (!runs.contains(run)) {
            runs.add(run);
          }
        }
      }
      runs.retainAll(merged);
      mergePasses++;
    }
  }

  private Spill mergeIntoRun(List<Run> group) throws IOException {
    MergeHeap.Source[] sources = new MergeHeap.Source[group.size()];
    for (int i = 0; i < group.size(); i++) {
      sources[i] = openRun(group.get(i));
    }
    Spill mergedRun = writeRun(new HeapSource(new MergeHeap(sources, keyOrder)));
    for (Run run : group) {
      if (run.owned()) {
        files.delete(run.spill().spillFile());
      }
    }
    openReaders.subList(openReaders.size() - group.size(), openReaders.size()).clear();
    return mergedRun;
  }

  private MergeHeap.Source openRun(Run run) throws IOException {
    SpillReader reader =
        run.owned()
            ? run.spill().openAll(serializerManager, serializer, settings.fileBufferBytes())
            : run.spill()
                .openSegment(
                    run.segment(), serializerManager, serializer, settings.fileBufferBytes());
    openReaders.add(reader);
    return new MergeHeap.Source() {
      @Override
      public boolean advance() throws IOException {
        return reader.advance();
      }

      @Override
      public Object key() {
        return reader.key();
      }

      @Override
      public Object value() {
        return reader.value();
      }
    };
  }

  /** Closes open runs, deletes every run file and releases the memory; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Closeables.Cleanup> steps = new ArrayList<>();
    for (SpillReader reader : openReaders) {
      steps.add(reader::close);
    }
    for (Run run : runs) {
      if (run.owned()) {
        steps.add(() -> files.delete(run.spill().spillFile()));
      }
    }
    steps.add(
        () -> {
          buffer.records = new Tuple2<?, ?>[0];
          buffer.size = 0;
          memory.releaseAll();
        });
    openReaders.clear();
    runs.clear();
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  public long spillCount() {
    return spillCount;
  }

  public long bytesSpilled() {
    return bytesSpilled;
  }

  /** Estimated in-memory size of the buffers written as runs (Spark's memoryBytesSpilled). */
  public long memoryBytesSpilled() {
    return memoryBytesSpilled;
  }

  /** Merge passes over spilled runs, counting the final one; 0 when nothing spilled. */
  public int mergePasses() {
    return mergePasses;
  }

  public long peakMemoryBytes() {
    return memory.peakReservedBytes();
  }

  /** Bytes currently reserved from the task memory manager. */
  public long memoryUsedBytes() {
    return memory.getUsed();
  }

  /**
   * A sorted run: a whole spill write of this sorter's ({@code segment} -1, owned: the sorter
   * deletes its file), or one segment of a spill another component owns.
   */
  private record Run(Spill spill, int segment) {
    static Run owned(Spill spill) {
      return new Run(spill, -1);
    }

    boolean owned() {
      return segment < 0;
    }
  }

  private static final class BufferSource implements MergeHeap.Source {
    private final Tuple2<?, ?>[] records;
    private final int size;
    private int position = -1;

    BufferSource(Tuple2<?, ?>[] records, int size) {
      this.records = records;
      this.size = size;
    }

    @Override
    public boolean advance() {
      return ++position < size;
    }

    @Override
    public Object key() {
      return records[position]._1();
    }

    @Override
    public Object value() {
      return records[position]._2();
    }
  }

  private static final class HeapSource implements MergeHeap.Source {
    private final MergeHeap heap;
    private boolean started;
    private Object key;
    private Object value;

    HeapSource(MergeHeap heap) {
      this.heap = heap;
    }

    @Override
    public boolean advance() throws IOException {
      if (started && !heap.isEmpty()) {
        heap.advanceTop();
      }
      started = true;
      if (heap.isEmpty()) {
        return false;
      }
      // Copy out now: advancing the top source overwrites its current record.
      key = heap.top().key();
      value = heap.top().value();
      return true;
    }

    @Override
    public Object key() {
      return key;
    }

    @Override
    public Object value() {
      return value;
    }
  }

  /** Adapts a source to an iterator that closes the sorter when exhausted. */
  private final class SortedIterator implements CloseableIterator<Tuple2<K, V>> {
    private final MergeHeap.Source source;
    private boolean ready;
    private boolean done;

    SortedIterator(MergeHeap.Source source) {
      this.source = source;
    }

    @Override
    public boolean hasNext() {
      if (!ready && !done) {
        try {
          ready = source.advance();
        } catch (IOException e) {
          Closeables.runAll(e, ExternalSorter.this::close);
          throw CloseableIterator.unchecked("reading sorted runs failed", e);
        } catch (RuntimeException | Error e) {
          Closeables.runAll(e, ExternalSorter.this::close);
          throw e;
        }
        if (!ready) {
          done = true;
          ExternalSorter.this.close();
        }
      }
      return ready;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Tuple2<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      return new Tuple2<>((K) source.key(), (V) source.value());
    }

    @Override
    public void close() {
      done = true;
      ExternalSorter.this.close();
    }
  }
}
