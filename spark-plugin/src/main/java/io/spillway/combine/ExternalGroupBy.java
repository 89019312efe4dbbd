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
import io.spillway.sort.CloseableIterator;
import io.spillway.sort.ExternalSorter;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFileSource;
import io.spillway.spill.SpillWriter;
import java.io.IOException;
import java.util.ArrayList;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.Tuple2;

/**
 * Groups values by key with bounded memory, after PySpark's {@code ExternalGroupBy}; one key may
 * have far more values than memory holds. The {@link SpillableCombiner} with these hooks:
 *
 * <ul>
 *   <li>Combiners are chunks of values ({@code ArrayList}). A spill writes each chunk as records
 *       of at most {@link #VALUES_PER_SPILL_RECORD} values ({@code [key][chunk]}), so no single
 *       record read back is large, and writes each segment's keys in (hash, class, key) order.
 *   <li>A key's chunk is handed out as an {@link ExternalList}, which spills to its own file past
 *       {@code listSpillThresholdBytes}.
 *   <li>A partition whose chunks do not fit in memory is grouped by sort (as PySpark does, without
 *       recursion, since one big key never splits): its segments are sorted already, so an
 *       {@link ExternalSorter} merges them where they are ({@link ExternalSorter#addSortedRun})
 *       and each run of equal keys is appended to one list. Sorting at spill time costs a sort of
 *       each spilled map's keys; it saves writing and reading every value of the partition once
 *       more (a hot key's, most of all).
 * </ul>
 *
 * <p>The lists handed out stay readable until {@link #close()}, which deletes every file (the
 * spills, the sorter's runs, the lists' files) and is idempotent.
 */
public final class ExternalGroupBy<K, V>
    extends SpillableCombiner<K, V, ArrayList<V>, ExternalList<V>> {

  /** Largest number of values one spilled chunk record holds. */
  static final int VALUES_PER_SPILL_RECORD = 256;

  /** The order of the keys in every spilled segment, and of a partition grouped by sort. */
  private final KeyHashing.HashThenKeyOrder keyOrder;

  public ExternalGroupBy(
      MergerSettings settings,
      TaskMemoryManager taskMemoryManager,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      SpillFileSource fileFactory) {
    this(
        new MergerContext(
            settings,
            taskMemoryManager,
            serializerManager,
            serializer,
            new TempFileTracker<>(fileFactory)),
        new KeyHashing.HashThenKeyOrder(KeyHashing.seedForLevel(settings.hashSeed(), 2)));
  }

  private ExternalGroupBy(MergerContext context, KeyHashing.HashThenKeyOrder keyOrder) {
    super(
        context,
        1,
        "ExternalGroupBy",
        ExternalGroupBy.<V>chunks(),
        ExternalGroupBy::writeChunk,
        keyOrder);
    this.keyOrder = keyOrder;
  }

  /** Values collect per key in chunks; two chunks of one key are concatenated. */
  private static <V> CombineFunctions<V, ArrayList<V>> chunks() {
    return new CombineFunctions<>(
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
  }

  /** Splits a chunk into records of at most {@link #VALUES_PER_SPILL_RECORD} values. */
  private static <V> void writeChunk(SpillWriter writer, Object key, ArrayList<V> chunk)
      throws IOException {
    if (chunk.size() <= VALUES_PER_SPILL_RECORD) {
      writer.write(key, chunk);
      return;
    }
    for (int from = 0; from < chunk.size(); from += VALUES_PER_SPILL_RECORD) {
      // A copy: ArrayList.subList is not serializable.
      writer.write(
          key,
          new ArrayList<>(
              chunk.subList(from, Math.min(chunk.size(), from + VALUES_PER_SPILL_RECORD))));
    }
  }

  @Override
  ExternalList<V> output(ArrayList<V> values) {
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

  @Override
  CloseableIterator<Tuple2<K, ExternalList<V>>> mergeOversized(int partition) throws IOException {
    return mergeBySort(
        keyOrder,
        sorter -> {
          // Every spill wrote its segments in keyOrder: merge them where they are, no second sort.
          for (Spill spill : spills) {
            sorter.addSortedRun(spill, partition);
          }
        },
        this::newFilledList,
        (list, chunk) -> {
          try {
            list.addAll(chunk);
          } catch (IOException e) {
            throw CloseableIterator.unchecked("spilling grouped values failed", e);
          }
          return list;
        });
  }

  /**
   * Ends the task. A failed or killed task closes everything ({@link #close()}). A task that
   * succeeded releases memory and deletes the partition spills, but the lists handed out stay
   * readable until they are unreachable ({@link ExternalList#keepFileWhileReachable}), because
   * Spark may still serialize them as part of the task's result ({@code groupByKey().collect()}:
   * the result is serialized after the completion listeners ran). Idempotent, and a no-op after
   * {@link #close()}.
   */
  public void closeAtTaskEnd(boolean taskFailed) {
    close(!taskFailed);
  }
}
