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

import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.IntFunction;
import scala.Product2;

/**
 * Up to {@link #CAPACITY} {@code (key, value)} records taken from an iterator, with room for
 * their keys' hash codes: the unit in which the combiners look keys up, so that the table's
 * cache misses overlap (see {@link CombinerMap}, "group prefetching"). One batch is reused for a
 * whole input; filling it allocates nothing.
 *
 * <pre>
 *   keys[i], values[i]   record i of the batch, i &lt; size (the record object itself is not kept)
 *   hashes[i]            CombinerMap.hashOf(keys[i]), set by whoever prefetches
 * </pre>
 *
 * <p>Taking records in batches reads up to {@link #CAPACITY} records ahead of the one being
 * combined. That asks nothing new of the input: a combiner map keeps the key and value objects
 * of the records it stores, so an input that reused them would already be wrong (Spark's own
 * aggregation keeps them the same way).
 */
final class RecordBatch {
  /** Long enough for many misses in flight, short enough for the batch to stay in L1. */
  static final int CAPACITY = 64;

  final Object[] keys = new Object[CAPACITY];
  final Object[] values = new Object[CAPACITY];
  final int[] hashes = new int[CAPACITY];
  int size;

  /** Sum of {@link CombinerMap#prefetch} results: consumed so the prefetching loads stay. */
  int prefetched;

  /**
   * Replaces the batch's records with the next ones of {@code records}.
   *
   * @param nullValueMessage null to accept null values, or the message of the
   *     NullPointerException a null value raises (a combiner is never null)
   * @return false when {@code records} had none left
   */
  boolean fill(Iterator<? extends Product2<?, ?>> records, String nullValueMessage) {
    int n = 0;
    while (n < CAPACITY && records.hasNext()) {
      Product2<?, ?> record = records.next();
      keys[n] = record._1();
      values[n] =
          nullValueMessage == null
              ? record._2()
              : Objects.requireNonNull(record._2(), nullValueMessage);
      n++;
    }
    // drop references to the previous batch's records beyond the new end
    for (int i = n; i < size; i++) {
      keys[i] = null;
      values[i] = null;
    }
    size = n;
    return n > 0;
  }

  /**
   * Sets {@link #hashes} and prefetches the slot each key leads to in the map {@code mapOfHash}
   * gives for its hash code (see {@link CombinerMap#prefetch}).
   */
  void hashAndPrefetch(IntFunction<CombinerMap> mapOfHash) {
    int sum = 0;
    for (int i = 0; i < size; i++) {
      int hash = CombinerMap.hashOf(keys[i]);
      hashes[i] = hash;
      sum += mapOfHash.apply(hash).prefetch(hash);
    }
    prefetched += sum;
  }

  /** Forgets the records, so the batch holds no references. */
  void clear() {
    fill(Collections.emptyIterator(), null);
  }
}
