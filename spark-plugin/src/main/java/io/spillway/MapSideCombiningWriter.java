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
package io.spillway;

import io.spillway.combine.CombineFunctions;
import io.spillway.combine.MapSideCombiner;
import io.spillway.config.MapSideCombineSettings;
import io.spillway.io.Closeables;
import io.spillway.memory.MemoryReservation;
import io.spillway.metrics.ShuffleCounters;
import java.io.IOException;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.shuffle.ShuffleWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Product2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Map-side combine in front of a Spillway writer: the task's records go through a {@link
 * MapSideCombiner} (an in-memory hash combiner that flushes partial combiners into the map output
 * buffer when memory runs short, and switches itself off when combining does not reduce the
 * data), and the writer stores the {@code (key, combiner)} records it emits on whichever path the
 * shuffle took (serialized or object).
 */
final class MapSideCombiningWriter<K, V, C> extends ShuffleWriter<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(MapSideCombiningWriter.class);

  private final ShuffleDependency<K, V, C> dependency;
  private final ShuffleWriter<K, C> combinedWriter;
  private final TaskContext context;
  private final MapSideCombineSettings settings;
  private final ShuffleCounters counters;
  private MapSideCombiner<K, V, Object> combiner;

  MapSideCombiningWriter(
      ShuffleDependency<K, V, C> dependency,
      ShuffleWriter<K, C> combinedWriter,
      TaskContext context,
      MapSideCombineSettings settings,
      ShuffleCounters counters) {
    this.dependency = dependency;
    this.combinedWriter = combinedWriter;
    this.context = context;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void write(Iterator<Product2<K, V>> records) throws IOException {
    CombineFunctions<V, Object> functions =
        CombineFunctions.fromAggregator(dependency.aggregator().get());
    combiner =
        new MapSideCombiner<>(
            functions,
            settings,
            new MemoryReservation(context.taskMemoryManager(), "map-side combiner"),
            CollectionConverters.asJava(records));
    Iterator combined =
        CollectionConverters.asScala(combiner).map(CombineFunctions::withUnmaskedCombiner);
    combinedWriter.write((Iterator<Product2<K, C>>) combined);
  }

  @Override
  public Option<MapStatus> stop(boolean success) {
    MapSideCombiner<K, V, Object> open = combiner;
    // Spark stops a writer, and the task completion listener stops it again: count once
    combiner = null;
    Option<MapStatus> status;
    try {
      status = combinedWriter.stop(success);
    } catch (RuntimeException | Error e) {
      if (open != null) {
        Closeables.runAll(e, open::close);
      }
      throw e;
    }
    if (open != null) {
      open.close();
      context.taskMetrics().incPeakExecutionMemory(open.peakMemoryBytes());
      counters.mapSideCombined(open.memoryFlushes(), open.combiningStopped());
      LOG.debug(
          "Map-side combine of shuffle {}: {} records in, {} combiners out, {} flushes,"
              + " combining {}",
          dependency.shuffleId(),
          open.recordsRead(),
          open.recordsWritten(),
          open.memoryFlushes(),
          open.combiningStopped() ? "stopped by the probe" : "kept on");
    }
    return status;
  }

  @Override
  public long[] getPartitionLengths() {
    return combinedWriter.getPartitionLengths();
  }
}
