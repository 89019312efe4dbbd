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
package io.spillway.memory;

import org.apache.spark.util.SizeEstimator;

/**
 * The one size estimate of Spillway's heap structures: a hash map of combiners, a sorter's
 * record buffer, the object path's records, a group's list of values. Samples of the entries
 * that change are measured with Spark's {@link SizeEstimator}, instead of walking the structure
 * (Spark's {@code SizeTracker} idea): a walk visits every node of the structure, and a map that
 * is emptied on every spill or flush would be walked again and again from the start. Here each
 * update costs a counter, and one insert in {@link #SAMPLE_EVERY} (one merge in
 * {@link #SAMPLE_UPDATE_EVERY}) measures one entry:
 *
 * <pre>
 *   estimate = entries * mean(size(key) + size(new combiner))
 *            + updates * mean(size(combiner after merge) - size(combiner before merge))
 * </pre>
 *
 * The structure's own arrays are not included: its owner adds them with {@link ReferenceArrays}
 * (a {@code CombinerMap} knows its table exactly).
 *
 * The second term follows combiners that grow as values are merged in (lists, sets); for
 * combiners replaced by one of the same size (sums) it is zero. Means are over all samples since
 * construction, so a map emptied by a spill starts again with what was learned. Shared objects
 * are counted once per entry that refers to them: an over-estimate, the safe side.
 *
 * <p>Usage: {@link #inserted} after putting a new key; for a merge into an existing combiner,
 * {@link #measureUpdate()} says whether to measure, then {@link #sizeBeforeMerge} before the
 * merge and {@link #updated(long, Object, Object)} after (or {@link #updated()} when not
 * measuring); {@code CombinerMap.mergeAt} does the merge part. Not thread-safe.
 */
public final class EntrySizeSampler {
  /** After the first {@link #ALWAYS_SAMPLED} inserts, one in this many is measured. */
  static final int SAMPLE_EVERY = 32;

  /**
   * After the first {@link #ALWAYS_SAMPLED} merges, one in this many is measured. Rarer than
   * inserts: a merge is measured twice (before and after), and a grown combiner (a hot key's
   * list) costs up to a few hundred object visits to measure.
   */
  static final int SAMPLE_UPDATE_EVERY = 256;

  static final int ALWAYS_SAMPLED = 16;

  private long entries;
  private long updates;
  private long insertEvents;
  private long updateEvents;
  private long insertSamples;
  private double insertBytesSum;
  private long updateSamples;
  private double updateBytesSum;

  /** The map was emptied: entries and updates are forgotten, the learned sizes are kept. */
  public void reset() {
    entries = 0;
    updates = 0;
  }

  /**
   * A new key and its first combiner were put into the map; for a buffer of records (a sorter's),
   * {@code inserted(record, null)} after each record.
   */
  public void inserted(Object key, Object combiner) {
    entries++;
    if (insertEvents++ < ALWAYS_SAMPLED || insertEvents % SAMPLE_EVERY == 0) {
      insertBytesSum += sizeOf(key) + sizeOf(combiner);
      insertSamples++;
    }
  }

  /** Whether the coming merge into an existing combiner should be measured. */
  public boolean measureUpdate() {
    return updateEvents < ALWAYS_SAMPLED || (updateEvents + 1) % SAMPLE_UPDATE_EVERY == 0;
  }

  /**
   * The size of a combiner about to take a measured merge, or {@link #UNMEASURED} for a
   * collection (a {@code java.util.Collection}, or a Scala collection such as Spark's {@code
   * CompactBuffer}): a collection grows by what is merged into it, and measuring a large one
   * first would cost a visit of each of its elements, for a hot key's list tens of thousands, on
   * every measured merge.
   */
  public long sizeBeforeMerge(Object combiner) {
    return combiner instanceof java.util.Collection || combiner instanceof scala.collection.Iterable
        ? UNMEASURED
        : sizeOf(combiner);
  }

  /** {@link #sizeBeforeMerge} of a combiner that was not measured (a collection). */
  public static final long UNMEASURED = Long.MAX_VALUE;

  /**
   * A merge into an existing combiner, measured: its size before, the combiner after, and what
   * was merged in (a value or another combiner). A combiner of up to {@link #EXACT_BYTES} is
   * measured again, exactly. A larger one is not: {@code SizeEstimator} samples large arrays, so
   * two measurements of a big list differ by more than one append (measured: the average growth
   * came out zero and a hot key's list was never counted); its growth is taken to be what was
   * merged in plus a reference, as for a collection that keeps it. So is an {@link #UNMEASURED}
   * one's.
   */
  public void updated(long bytesBefore, Object combinerAfter, Object mergedIn) {
    updates++;
    updateEvents++;
    updateBytesSum +=
        bytesBefore <= EXACT_BYTES
            ? sizeOf(combinerAfter) - bytesBefore
            : sizeOf(mergedIn) + REFERENCE_BYTES;
    updateSamples++;
  }

  /** Combiners up to this size are measured exactly before and after a merge. */
  static final long EXACT_BYTES = 4 * 1024;

  /**
   * A reference in a collection's array, with the array's growth slack: two references (an
   * {@code ArrayList} grows by half, so up to half its slots are spare).
   */
  static final long REFERENCE_BYTES = 2 * ReferenceArrays.referenceBytes();

  /** A merge into an existing combiner, not measured. */
  public void updated() {
    updates++;
    updateEvents++;
  }

  /** Heap bytes of {@code value} and what it references (0 for null). */
  public long sizeOf(Object value) {
    return value == null ? 0 : SizeEstimator.estimate(value);
  }

  public long entries() {
    return entries;
  }

  /**
   * The mean bytes of an inserted entry (key and first combiner, or one record) so far; for an
   * owner that counts its entries itself, such as lists sharing one sampler.
   */
  public double meanInsertBytes() {
    return insertSamples == 0 ? 0 : insertBytesSum / insertSamples;
  }

  /** Bytes of the keys and combiners (not of the table that holds them). */
  public long estimatedBytes() {
    double perEntry = meanInsertBytes();
    // growth can be negative in a sample (a merge that shrinks a combiner); never in total
    double perUpdate = updateSamples == 0 ? 0 : Math.max(0, updateBytesSum / updateSamples);
    return (long) (entries * perEntry + updates * perUpdate);
  }
}
