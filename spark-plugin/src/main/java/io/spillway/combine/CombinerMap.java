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
import io.spillway.memory.ReferenceArrays;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The combiners' hash map: open addressing, keys and values interleaved in one array, no entry
 * object per key.
 *
 * <pre>
 *   data:  [k0][v0][k1][v1] ... [k(c-1)][v(c-1)]          c = capacity, a power of two
 *   slot i: key data[2i] (null: empty; the null key is stored as NULL_KEY), value data[2i + 1]
 *   probe:  i = mix(hashCode) &amp; (c - 1), then i + 1, i + 3, i + 6, ... (triangular numbers,
 *           which visit every slot of a power-of-two table)
 *   grows:  doubles when more than 70% of the slots are used
 * </pre>
 *
 * <p>Why not {@code java.util.HashMap}: an aggregation looks a key up and then stores the new
 * combiner, two probes with {@code get} + {@code put}; here {@link #find} returns the slot and
 * the update writes it directly. A {@code HashMap.Node} costs 32 bytes per key on top of the
 * table; here a key costs two references at 35-70% load, so more keys fit before a spill (the
 * layout of Spark's {@code AppendOnlyMap}). Keys are never removed one by one: a map is filled,
 * then iterated or dropped whole.
 *
 * <p>Usage on the hot path:
 * <pre>{@code
 *   int slot = map.find(key);
 *   if (slot >= 0) map.setValueAt(slot, merge(map.valueAt(slot), value));
 *   else map.insertAt(slot, key, create(value));
 * }</pre>
 * It is also a {@link Map} (iteration, {@code get}, {@code put}) for the colder paths. Not
 * thread-safe.
 *
 * <p>Group prefetching. Once the table outgrows the CPU caches, a lookup is a chain of cache
 * misses (the slot, then the key object {@code equals} reads, then the combiner the merge
 * reads), and one lookup's misses wait for each other. A caller with a batch of keys ({@link
 * RecordBatch}) first calls {@link #prefetch} for each: independent loads, which the CPU overlaps,
 * bring the slots and the objects in them into the cache; the {@link #find(Object, int)} calls
 * that follow then mostly hit. Measured on the reduce side of the {@code rdd-reducebykey-1m-keys}
 * workload of {@code bin/benchmark} (a 256k-slot table per task): 22% less task CPU (commit
 * a18692e, A/B in one JVM). A rehash does the same for the keys it moves.
 */
final class CombinerMap extends AbstractMap<Object, Object> {
  /** Largest capacity: the data array's length must stay an int. */
  static final int MAXIMUM_CAPACITY = 1 << 29;

  private static final double LOAD_FACTOR = 0.7;

  /**
   * Keys whose hash codes a rehash reads before placing them: enough loads in flight to keep
   * the CPU's miss handling busy, few enough to stay in the L1 cache.
   */
  private static final int REHASH_BATCH = 256;

  /** Stands for the null key in {@link #data}, where null means an empty slot. */
  private static final Object NULL_KEY =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static final Class<?> NULL_KEY_CLASS = NULL_KEY.getClass();

  private Object[] data;
  private int mask;
  private int size;
  private int growThreshold;

  CombinerMap() {
    this(16);
  }

  CombinerMap(int initialCapacity) {
    int capacity =
        Integer.highestOneBit(Math.max(4, Math.min(MAXIMUM_CAPACITY, initialCapacity)) * 2 - 1);
    allocate(capacity);
  }

  /**
   * Makes room for {@code keys} keys without growing again: one rehash now instead of the
   * doublings that would come (each rehashes every key so far). For an owner that knows the
   * map's size ahead.
   */
  void ensureCapacity(int keys) {
    long needed = (long) Math.ceil(keys / LOAD_FACTOR) + 1;
    int capacity = mask + 1;
    if (needed <= capacity || capacity >= MAXIMUM_CAPACITY) {
      return;
    }
    rehash((int) Math.min(MAXIMUM_CAPACITY, Long.highestOneBit(needed - 1) << 1));
  }

  private void allocate(int capacity) {
    data = new Object[2 * capacity];
    mask = capacity - 1;
    growThreshold = (int) (capacity * LOAD_FACTOR);
  }

  /**
   * The slot of {@code key}: {@code >= 0} when the key is present, otherwise {@code -(free slot)
   * - 1}, to pass to {@link #insertAt}. Valid until the next insert.
   */
  int find(Object key) {
    return find(key, hashOf(key));
  }

  /** {@link #find(Object)} with the key's {@link #hashOf}, computed once by a batch's caller. */
  int find(Object key, int hash) {
    Object k = key == null ? NULL_KEY : key;
    int pos = mix(hash) & mask;
    int delta = 1;
    while (true) {
      Object current = data[2 * pos];
      if (current == null) {
        return -pos - 1;
      }
      if (current == k || current.equals(k)) {
        return pos;
      }
      pos = (pos + delta) & mask;
      delta++;
    }
  }

  /**
   * The hash code the table uses for {@code key}: its {@code hashCode()}, 0 for null (the
   * convention of {@link KeyHashing}, so a batch's hash codes serve both).
   */
  static int hashOf(Object key) {
    return key == null ? 0 : key.hashCode();
  }

  /**
   * Loads what a {@link #find(Object, int)} of this hash code will read first: the slot it
   * starts at, and the headers of the key and the combiner in it (a {@code getClass()} reads an
   * object's first bytes, and small objects fit in that cache line). A hint, with no effect on
   * the map; the result means nothing, but the caller must consume it (sum it into a field) so
   * that the compiler keeps the loads.
   */
  int prefetch(int hash) {
    int pos = mix(hash) & mask;
    Object key = data[2 * pos];
    if (key == null) {
      return 0;
    }
    Object value = data[2 * pos + 1];
    return (key.getClass() == NULL_KEY_CLASS ? 1 : 2)
        + (value != null && value.getClass() == NULL_KEY_CLASS ? 1 : 2);
  }

  Object valueAt(int slot) {
    return data[2 * slot + 1];
  }

  void setValueAt(int slot, Object value) {
    data[2 * slot + 1] = value;
  }

  /**
   * Merges {@code mergedIn} (a value or another combiner) into the combiner at an occupied slot,
   * and tells {@code sizes}, which now and then measures the merge (see {@link EntrySizeSampler}).
   */
  void mergeAt(
      int slot, Object mergedIn, BiFunction<Object, Object, Object> merge, EntrySizeSampler sizes) {
    Object combiner = data[2 * slot + 1];
    if (sizes.measureUpdate()) {
      long before = sizes.sizeBeforeMerge(combiner);
      Object merged = merge.apply(combiner, mergedIn);
      data[2 * slot + 1] = merged;
      sizes.updated(before, merged, mergedIn);
    } else {
      data[2 * slot + 1] = merge.apply(combiner, mergedIn);
      sizes.updated();
    }
  }

  /** The key at an occupied slot. */
  Object keyAt(int slot) {
    Object k = data[2 * slot];
    return k == NULL_KEY ? null : k;
  }

  /**
   * Stores a new key at the free slot {@link #find} returned for it.
   *
   * @return true when the table grew (its size in bytes changed)
   */
  boolean insertAt(int freeSlot, Object key, Object value) {
    int pos = -freeSlot - 1;
    data[2 * pos] = key == null ? NULL_KEY : key;
    data[2 * pos + 1] = value;
    size++;
    if (size > growThreshold) {
      grow();
      return true;
    }
    return false;
  }

  /** The first occupied slot at or after {@code from}, or -1: {@code for (s = next(0); s >= 0; s = next(s + 1))}. */
  int nextSlot(int from) {
    for (int slot = from; slot <= mask; slot++) {
      if (data[2 * slot] != null) {
        return slot;
      }
    }
    return -1;
  }

  /** Bytes of the table itself (references only; keys and values are counted by their owner). */
  long tableBytes() {
    return ReferenceArrays.bytes(data.length);
  }

  private void grow() {
    int capacity = mask + 1;
    if (capacity >= MAXIMUM_CAPACITY) {
      throw new IllegalStateException(
          "A combiner map cannot hold more than " + growThreshold + " keys");
    }
    rehash(capacity * 2);
  }

  private void rehash(int newCapacity) {
    Object[] old = data;
    allocate(newCapacity);
    // Old slots are read in order, so the new table is written in a few ascending streams (home
    // slot h, h + old capacity, ...): cheap. What is not is reading each key's hash code, a cache
    // miss per key once the keys outgrow the cache; reading a batch of them in a loop of their
    // own lets those misses overlap. Measured in a reduceByKey: 92k keys rehashed in 10 ms, not 16.
    int[] hashes = new int[REHASH_BATCH];
    for (int start = 0; start < old.length; start += 2 * REHASH_BATCH) {
      int end = Math.min(old.length, start + 2 * REHASH_BATCH);
      for (int i = start, j = 0; i < end; i += 2, j++) {
        Object k = old[i];
        hashes[j] = k == null || k == NULL_KEY ? 0 : k.hashCode();
      }
      for (int i = start, j = 0; i < end; i += 2, j++) {
        Object k = old[i];
        if (k != null) {
          int pos = mix(hashes[j]) & mask;
          int delta = 1;
          while (data[2 * pos] != null) {
            pos = (pos + delta) & mask;
            delta++;
          }
          data[2 * pos] = k;
          data[2 * pos + 1] = old[i + 1];
        }
      }
    }
  }

  /**
   * Murmur3's 32-bit finaliser: spreads weak hash codes (small integers, Long's folded halves)
   * over all bits. Unseeded on purpose and unlike {@link KeyHashing}'s seeded hash: the keys of
   * one spill partition share KeyHashing's low bits, and must not share the table's.
   */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  // ---------------------------------------------------------------- java.util.Map, colder paths

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return find(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int slot = find(key);
    return slot >= 0 ? valueAt(slot) : null;
  }

  @Override
  public Object put(Object key, Object value) {
    int slot = find(key);
    if (slot >= 0) {
      Object old = valueAt(slot);
      setValueAt(slot, value);
      return old;
    }
    insertAt(slot, key, value);
    return null;
  }

  @Override
  public Object remove(Object key) {
    throw new UnsupportedOperationException("keys are not removed from a combiner map");
  }

  @Override
  public void clear() {
    allocate(16);
    size = 0;
  }

  @Override
  public Set<Map.Entry<Object, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<Object, Object>> iterator() {
        return new Iterator<>() {
          private int next = nextSlot(0);

          @Override
          public boolean hasNext() {
            return next >= 0;
          }

          @Override
          public Map.Entry<Object, Object> next() {
            if (next < 0) {
              throw new NoSuchElementException();
            }
            int slot = next;
            next = nextSlot(slot + 1);
            return new SimpleImmutableEntry<>(keyAt(slot), valueAt(slot));
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
