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
package io.spillway.interop;

import io.spillway.read.SpillwayShuffleReader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.shuffle.BaseShuffleHandle;
import org.apache.spark.shuffle.ShuffleHandle;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.ShuffleWriteMetricsReporter;
import org.apache.spark.shuffle.ShuffleWriter;
import org.apache.spark.shuffle.sort.SortShuffleManager;

/**
 * Test manager: Spark's own writers ({@code UnsafeShuffleWriter}, {@code SortShuffleWriter},
 * bypass) write the map outputs, Spillway's reader reads them.
 */
public final class SparkWritesSpillwayReadsManager extends SortShuffleManager {
  static final Set<String> WRITERS = ConcurrentHashMap.newKeySet();
  static final Set<String> READERS = ConcurrentHashMap.newKeySet();

  public SparkWritesSpillwayReadsManager(SparkConf conf) {
    super(conf);
  }

  @Override
  public <K, V> ShuffleWriter<K, V> getWriter(
      ShuffleHandle handle, long mapId, TaskContext context, ShuffleWriteMetricsReporter metrics) {
    ShuffleWriter<K, V> writer = super.getWriter(handle, mapId, context, metrics);
    WRITERS.add(writer.getClass().getSimpleName());
    return writer;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, C> ShuffleReader<K, C> getReader(
      ShuffleHandle handle,
      int startMapIndex,
      int endMapIndex,
      int startPartition,
      int endPartition,
      TaskContext context,
      ShuffleReadMetricsReporter metrics) {
    ShuffleReader<K, C> reader =
        SpillwayShuffleReader.forRange(
            (BaseShuffleHandle<K, ?, C>) handle,
            startMapIndex,
            endMapIndex,
            startPartition,
            endPartition,
            context,
            metrics);
    READERS.add(reader.getClass().getSimpleName());
    return reader;
  }
}
