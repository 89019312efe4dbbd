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
import io.spillway.sort.CloseableIterator;
import io.spillway.spill.SpillFileSource;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.Product2;
import scala.Tuple2;

/**
 * Combines key/value records by key with bounded memory, after PySpark's {@code ExternalMerger}:
 * the {@link SpillableCombiner} with the aggregator's functions, whose oversized partitions are
 * handled like this:
 *
 * <ul>
 *   <li>A partition that does not fit is re-partitioned by a child merger one level down, with a
 *       new seed, while the total number of partitions stays within
 *       {@link MergerSettings#maxTotalPartitions()} (N, N², ...).
 *   <li>Beyond that cap (for example keys whose hash codes all collide), the partition is merged
 *       by sort: its records are inserted into an external sorter ordered by (hash, class, key),
 *       and equal keys, now adjacent, are combined as they stream past.
 * </ul>
 *
 * <p>The spills write each combiner as one record, in map order (no sort per spill).
 */
public final class ExternalMerger<K, V, C> extends SpillableCombiner<K, V, C, C> {

  private final CombineFunctions<V, C> functions;

  public ExternalMerger(
      CombineFunctions<V, C> functions,
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
        functions,
        1);
  }

  private ExternalMerger(MergerContext context, CombineFunctions<V, C> functions, int level) {
    super(
        context,
        level,
        "ExternalMerger level " + level,
        Objects.requireNonNull(functions, "functions is null"),
        (writer, key, combiner) -> writer.write(key, combiner),
        null);
    this.functions = functions;
  }

  /** Combines combiners produced elsewhere (map-side combine) with {@code mergeCombiners}. */
  public void mergeCombiners(Iterator<? extends Product2<? extends K, ? extends C>> records)
      throws IOException {
    checkAcceptingInput();
    RecordBatch batch = new RecordBatch();
    while (batch.fill(records, "combiner is null")) {
      buffer.insertCombiners(batch);
    }
  }

  @Override
  C output(C combiner) {
    return combiner;
  }

  @Override
  CloseableIterator<Tuple2<K, C>> mergeOversized(int partition) throws IOException {
    if (canRepartition()) {
      return repartition(partition);
    }
    KeyHashing.HashThenKeyOrder keyOrder =
        new KeyHashing.HashThenKeyOrder(
            KeyHashing.seedForLevel(context.settings.hashSeed(), level + 1));
    return mergeBySort(
        keyOrder,
        sorter -> PartitionLoader.forEachRecord(context, spills, partition, sorter::insert),
        functions::mergeCombiners);
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
}
