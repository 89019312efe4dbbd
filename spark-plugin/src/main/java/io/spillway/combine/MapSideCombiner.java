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

import io.spillway.config.MapSideCombineOption;
import io.spillway.config.MapSideCombineSettings;
import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import java.io.Closeable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import scala.Product2;
import scala.Tuple2;

/**
 * The map side's combiner: a pull iterator that turns a map task's {@code (key, value)} records
 * into {@code (key, combiner)} records for the map output buffer. It never spills.
 *
 * <pre>
 *   input ──▶ hash map key → combiner (estimated size reserved through a MemoryReservation)
 *                │ reservation short, or map holds forceFlushRecords combiners
 *                ▼
 *             FLUSH: the map's entries are emitted as (key, combiner) records, the map starts
 *             empty. A key may thus leave a task more than once; the reducer merges combiners
 *             anyway (mergeCombiners), so this is correct and costs only bytes.
 *   input exhausted ──▶ final flush
 *
 *   mode auto: after probeRecords records, if combinersCreated / recordsRead > skipRatio the
 *              map is flushed and every later record passes as (key, createCombiner(value)).
 *              Once the probing map holds PRESIZE_AT_KEYS keys it is sized at once for the
 *              keys the probe can still bring (see expectedProbeKeys): with mostly distinct
 *              keys the probe is what decides, and its doublings up to 100k keys were a sixth
 *              of such a map task's time (rdd-reducebykey-1m-keys, commit a18692e).
 * </pre>
 *
 * <p>While combining, records are taken from the input in {@link RecordBatch}es and their slots
 * prefetched (see {@link CombinerMap}); a flush or the end of the probe in the middle of a batch
 * changes nothing for the records after it. Passing through reads one record at a time.
 *
 * <p>Why flush instead of spill: the map output buffer is already the spillable, partitioned
 * store of this task (serialized pages on the serialized path), so partial combiners written
 * into it cost one serialization, while a spill would cost a write, a read and a merge before the
 * same bytes reach the buffer. {@code combinersCreated} counts {@code createCombiner} calls, so a
 * key recreated after a flush counts again: the ratio is records out per record in, the
 * reduction combining actually achieved.
 *
 * <p>Memory requests from other consumers of the task start a flush when they come on the task
 * thread while the combiner pulls its input (an upstream operator that allocates) or between two
 * calls of {@link #hasNext()}: the map is detached and its reservation returned, and its entries
 * are emitted by the next calls, exactly as after a short grant. The flush itself inserts
 * nothing, so it cannot re-enter the map output buffer. (The buffer's own page requests find
 * the map already released: the combiner only hands records on while emitting a detached map.)
 * A flush the rules call for while a detached map is still being emitted starts when that one
 * is done. Requests while combining, from other threads, or while a detached map is being
 * emitted free nothing. When our own reservation comes back short we flush at the next record
 * boundary, which frees the same memory.
 *
 * <p>References: the map keeps keys and combiners, never the input record object ({@link
 * Product2}). That is enough for the serialized path's rule, because only RDD jobs reach here:
 * Spark SQL never sets {@code mapSideCombine} on a shuffle dependency (it aggregates in its own
 * operators), so reused row objects never become keys of this map.
 *
 * <p>Not thread-safe. {@link #close()} releases the memory; call it when the task ends.
 */
public final class MapSideCombiner<K, V, C> implements Iterator<Tuple2<K, C>>, Closeable {
  /** Keys in the probing map at which it is sized for the whole probe (see the class comment). */
  static final int PRESIZE_AT_KEYS = 4096;

  private final CombineFunctions<V, C> functions;
  private final MapSideCombineSettings settings;
  private final MemoryReservation memory;
  private final Iterator<? extends Product2<? extends K, ? extends V>> input;
  private final EntrySizeSampler sizes = new EntrySizeSampler();

  /** {@code functions.mergeValue}, untyped for {@link CombinerMap#mergeAt}. */
  private final BiFunction<Object, Object, Object> mergeValue;

  private CombinerMap map = new CombinerMap();
  private final RecordBatch batch = new RecordBatch();

  /** Whatever the hash code, the current {@link #map}: the batch prefetches into it. */
  private final IntFunction<CombinerMap> currentMap = hash -> map;

  /** The next record of {@link #batch} to take. */
  private int batchPosition;

  /** The record {@link #advance()} moved to; its hash code only while combining. */
  private Object currentKey;

  private Object currentValue;
  private int currentHash;

  /** The detached map being emitted, and the next slot of it to emit (-1: done). */
  private CombinerMap flushing;

  private int flushSlot;
  private Tuple2<K, C> pending;
  private boolean passThrough;
  private boolean closed;
  private long recordsRead;
  private long combinersCreated;
  private long recordsWritten;
  private long memoryFlushes;
  private boolean combiningStopped;

  /** Inside {@link #hasNext()}: the map and the batch are in use, a flush request must wait. */
  private boolean inHasNext;

  /** Inside {@link #hasNext()} but pulling the input: the map is consistent, a flush may start. */
  private boolean pulling;

  /** A flush is due but a detached map is still being emitted: start it after that one. */
  private boolean flushAfterEmitting;

  @SuppressWarnings("unchecked")
  public MapSideCombiner(
      CombineFunctions<V, C> functions,
      MapSideCombineSettings settings,
      MemoryReservation memory,
      Iterator<? extends Product2<? extends K, ? extends V>> input) {
    this.functions = Objects.requireNonNull(functions, "functions is null");
    this.mergeValue = (combiner, value) -> functions.mergeValue((C) combiner, (V) value);
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.memory = Objects.requireNonNull(memory, "memory is null");
    this.input = Objects.requireNonNull(input, "input is null");
    this.passThrough = settings.mode() == MapSideCombineOption.NEVER;
    memory.setSpillHandler(this::flushOnRequest);
  }

  /** Detaches the map for emitting if the request is safe to honour now; returns bytes released. */
  private long flushOnRequest(long requestedBytes, boolean requestedByItself) {
    // (the reservation only asks on the owner thread, for another consumer of the task)
    if (closed || (inHasNext && !pulling) || flushing != null || map.isEmpty()) {
      return 0;
    }
    memoryFlushes++;
    return startFlush();
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    inHasNext = true;
    try {
      return advanceToPending();
    } finally {
      inHasNext = false;
    }
  }

  @SuppressWarnings("unchecked")
  private boolean advanceToPending() {
    if (closed) {
      return false;
    }
    while (pending == null) {
      if (flushing != null) {
        if (flushSlot >= 0) {
          pending = takeFlushed();
          break;
        }
        flushing = null;
        if (flushAfterEmitting) {
          flushAfterEmitting = false;
          startFlush();
          continue;
        }
      }
      if (!advance()) {
        if (flushing != null) {
          continue; // a request flushed while the last pull ran: emit that map first
        }
        if (map.isEmpty()) {
          close();
          return false;
        }
        startFlush();
        continue;
      }
      recordsRead++;
      if (passThrough) {
        combinersCreated++;
        pending = new Tuple2<>((K) currentKey, functions.createCombiner((V) currentValue));
        break;
      }
      combine((K) currentKey, (V) currentValue, currentHash);
      if (shouldStopCombining()) {
        passThrough = true;
        combiningStopped = true;
        flushNowOrAfterEmitting();
      } else if (flushing == null && mustFlush()) {
        // (while a requested flush is emitted, the map is new and its growth is checked later)
        memoryFlushes++;
        startFlush();
      }
    }
    return true;
  }

  @Override
  public Tuple2<K, C> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Tuple2<K, C> record = pending;
    pending = null;
    recordsWritten++;
    return record;
  }

  /**
   * Moves to the next input record: from the batch while there is one, refilling and
   * prefetching it while combining, straight from the input once passing through.
   *
   * @return false when the input is exhausted
   */
  private boolean advance() {
    if (batchPosition == batch.size) {
      if (passThrough) {
        Product2<? extends K, ? extends V> record = pull();
        if (record == null) {
          return false;
        }
        currentKey = record._1();
        currentValue = record._2();
        return true;
      }
      boolean filled;
      pulling = true;
      try {
        filled = batch.fill(input, null);
      } finally {
        pulling = false;
      }
      batchPosition = 0;
      if (!filled) {
        return false;
      }
      batch.hashAndPrefetch(currentMap);
    }
    currentKey = batch.keys[batchPosition];
    currentValue = batch.values[batchPosition];
    currentHash = batch.hashes[batchPosition];
    batchPosition++;
    return true;
  }

  /** The next input record, or null at the end; a flush request may run meanwhile. */
  private Product2<? extends K, ? extends V> pull() {
    pulling = true;
    try {
      return input.hasNext() ? input.next() : null;
    } finally {
      pulling = false;
    }
  }

  private void flushNowOrAfterEmitting() {
    if (flushing == null) {
      startFlush();
    } else {
      flushAfterEmitting = true;
    }
  }

  private void combine(K key, V value, int hash) {
    int slot = map.find(key, hash);
    if (slot < 0) {
      combinersCreated++;
      C created = functions.createCombiner(value);
      map.insertAt(slot, key, created);
      sizes.inserted(key, created);
      if (map.size() == PRESIZE_AT_KEYS && isProbing()) {
        map.ensureCapacity(
            expectedProbeKeys(
                map.size(),
                recordsRead,
                Math.min(settings.probeRecords(), settings.forceFlushRecords())));
      }
    } else {
      map.mergeAt(slot, value, mergeValue, sizes);
    }
  }

  /**
   * The keys the probing map would hold at the end of the probe if new keys kept coming at the
   * rate so far: an upper bound, as repeats only become more frequent. Mostly distinct keys get
   * the whole probe's table at once; keys that already repeat get a smaller one.
   *
   * @param keys keys in the map now
   * @param recordsRead records combined into it so far
   * @param probeLimit the most keys it can reach during the probe (probe length or forced flush)
   */
  static int expectedProbeKeys(int keys, long recordsRead, long probeLimit) {
    return (int) Math.min(probeLimit, keys * probeLimit / Math.max(1, recordsRead));
  }

  private boolean isProbing() {
    return settings.mode() == MapSideCombineOption.AUTO && recordsRead < settings.probeRecords();
  }

  private boolean shouldStopCombining() {
    return settings.mode() == MapSideCombineOption.AUTO
        && recordsRead == settings.probeRecords()
        && combinersCreated > settings.skipRatio() * recordsRead;
  }

  /** Whether the map must be flushed: forced by size, or the task could not grant its growth. */
  private boolean mustFlush() {
    if (map.size() >= settings.forceFlushRecords()) {
      return true;
    }
    long estimatedBytes = sizes.estimatedBytes() + map.tableBytes();
    return estimatedBytes > memory.reservedBytes() && !memory.tryGrow(estimatedBytes);
  }

  /**
   * Detaches the map for emitting and returns its memory: the entries move into the map output
   * buffer, which accounts for them from now on; each one is dropped here as it is emitted.
   * Returns the bytes released.
   */
  private long startFlush() {
    flushing = map;
    flushSlot = map.nextSlot(0);
    map = new CombinerMap();
    sizes.reset();
    return memory.releaseAll();
  }

  @SuppressWarnings("unchecked")
  private Tuple2<K, C> takeFlushed() {
    int slot = flushSlot;
    flushSlot = flushing.nextSlot(slot + 1);
    return new Tuple2<>((K) flushing.keyAt(slot), (C) flushing.valueAt(slot));
  }

  /** Drops the map and releases its memory; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    map = new CombinerMap();
    flushing = null;
    pending = null;
    batch.clear();
    currentKey = null;
    currentValue = null;
    memory.releaseAll();
  }

  /** Records read from the input. */
  public long recordsRead() {
    return recordsRead;
  }

  /** {@code (key, combiner)} records handed on; equals records read when nothing combined. */
  public long recordsWritten() {
    return recordsWritten;
  }

  /** Flushes forced by memory or by {@code forceFlushRecords} (the final flush not counted). */
  public long memoryFlushes() {
    return memoryFlushes;
  }

  /** Whether the probe switched combining off ({@link MapSideCombineOption#AUTO} only). */
  public boolean combiningStopped() {
    return combiningStopped;
  }

  /** The most memory the combiner held at once. */
  public long peakMemoryBytes() {
    return memory.peakReservedBytes();
  }
}
