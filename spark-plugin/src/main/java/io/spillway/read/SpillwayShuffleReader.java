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
package io.spillway.read;

import io.spillway.metrics.ShuffleCounters;
import io.spillway.spark.BlockInputStreams;
import io.spillway.spark.SparkBlockFetch;
import io.spillway.spill.SpillFileSource;
import org.apache.spark.InterruptibleIterator;
import org.apache.spark.MapOutputTracker;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.shuffle.BaseShuffleHandle;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.sort.SortShuffleManager;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerId;
import scala.Product2;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * Spillway's reduce-side reader: fetch the blocks of a map range and a partition range with
 * Spark's block fetcher (local, host-local, remote, external shuffle service; batch fetch of
 * contiguous partitions when the format allows), decrypt and decompress, deserialize, then
 * aggregate and/or sort as the dependency asks, with Spillway's combiners and sorter
 * ({@link AggregateAndSort}).
 *
 * <p>Missing and corrupt blocks surface as {@code FetchFailedException} from the fetcher (its
 * streams turn an {@code IOException} into one), so the scheduler recomputes the map output.
 */
public final class SpillwayShuffleReader<K, C> implements ShuffleReader<K, C> {
  private final BaseShuffleHandle<K, ?, C> handle;
  private final Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>>
      blocksByAddress;
  private final TaskContext context;
  private final ShuffleReadMetricsReporter readMetrics;
  private final SerializerManager serializerManager;
  private final BlockManager blockManager;
  private final MapOutputTracker mapOutputTracker;
  private final ReadSettings settings;
  private final boolean batchFetchRequested;

  public SpillwayShuffleReader(
      BaseShuffleHandle<K, ?, C> handle,
      Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>> blocksByAddress,
      TaskContext context,
      ShuffleReadMetricsReporter readMetrics,
      SerializerManager serializerManager,
      BlockManager blockManager,
      MapOutputTracker mapOutputTracker,
      org.apache.spark.SparkConf conf,
      boolean batchFetchRequested) {
    this.handle = handle;
    this.blocksByAddress = blocksByAddress;
    this.context = context;
    this.readMetrics = readMetrics;
    this.serializerManager = serializerManager;
    this.blockManager = blockManager;
    this.mapOutputTracker = mapOutputTracker;
    this.settings = ReadSettings.fromSparkConf(conf);
    this.batchFetchRequested = batchFetchRequested;
  }

  /**
   * A reader for map outputs {@code [startMapIndex, endMapIndex)} and reduce partitions {@code
   * [startPartition, endPartition)} of a shuffle ({@code endMapIndex == Integer.MAX_VALUE}: all
   * maps). Works on any {@link BaseShuffleHandle}: the files are Spark's format, whoever wrote
   * them.
   */
  public static <K, C> SpillwayShuffleReader<K, C> forRange(
      BaseShuffleHandle<K, ?, C> handle,
      int startMapIndex,
      int endMapIndex,
      int startPartition,
      int endPartition,
      TaskContext context,
      ShuffleReadMetricsReporter metrics) {
    SparkEnv env = SparkEnv.get();
    MapOutputTracker tracker = env.mapOutputTracker();
    Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>> blocksByAddress;
    boolean batchFetchAllowed;
    if (handle.dependency().isShuffleMergeFinalizedMarked()) {
      var pushBased =
          tracker.getPushBasedShuffleMapSizesByExecutorId(
              handle.shuffleId(), startMapIndex, endMapIndex, startPartition, endPartition);
      blocksByAddress = pushBased.iter();
      batchFetchAllowed = pushBased.enableBatchFetch();
    } else {
      blocksByAddress =
          tracker.getMapSizesByExecutorId(
              handle.shuffleId(), startMapIndex, endMapIndex, startPartition, endPartition);
      batchFetchAllowed = true;
    }
    boolean batchFetchRequested =
        batchFetchAllowed
            && endPartition - startPartition > 1
            && batchFetchAsked(context, env.conf());
    return new SpillwayShuffleReader<>(
        handle,
        blocksByAddress,
        context,
        metrics,
        env.serializerManager(),
        env.blockManager(),
        tracker,
        env.conf(),
        batchFetchRequested);
  }

  /** Spark SQL's session key for batch fetch, default true. */
  static final String SQL_BATCH_FETCH_KEY = "spark.sql.adaptive.fetchShuffleBlocksInBatch";

  /**
   * Whether the job wants contiguous partitions of one map output fetched as one block. Spark's
   * own rule is "only if the task's local property {@code __fetch_continuous_blocks_in_batch_enabled}
   * says true", a property {@code ShuffledRowRDD}'s constructor sets on the thread that builds it
   * from {@value #SQL_BATCH_FETCH_KEY}. That thread is not always the one that submits the job:
   * under AQE, {@code Dataset.foreachPartition} reads its coalesced partition ranges with the
   * property missing, so Spark's shuffle fetches 20,000 partitions as 20,000 blocks per map
   * output. Spillway follows the property when it is there; when it is missing it asks the SQL
   * setting itself (propagated to tasks as a local property when the session set it, else
   * the application's configuration, default true). Whether batch fetch is possible at all
   * (relocatable serializer, concatenating codec, no encryption) is checked in {@link #read()}.
   */
  static boolean batchFetchAsked(TaskContext context, org.apache.spark.SparkConf conf) {
    String asked =
        context.getLocalProperty(SortShuffleManager.FETCH_SHUFFLE_BLOCKS_IN_BATCH_ENABLED_KEY());
    if (asked == null) {
      asked = context.getLocalProperty(SQL_BATCH_FETCH_KEY);
    }
    if (asked == null) {
      asked = conf.get(SQL_BATCH_FETCH_KEY, "true");
    }
    return Boolean.parseBoolean(asked.trim());
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterator<Product2<K, C>> read() {
    ShuffleDependency<K, ?, C> dependency = handle.dependency();
    boolean batchFetch =
        batchFetchRequested
            && settings.batchFetchPossible()
            && dependency.serializer().supportsRelocationOfSerializedObjects();
    Iterator<Tuple2<BlockId, java.io.InputStream>> blocks =
        SparkBlockFetch.open(
            context,
            blockManager,
            mapOutputTracker,
            blocksByAddress,
            new BlockInputStreams(serializerManager, settings.codec())::wrap,
            settings.fetch(),
            readMetrics,
            batchFetch);
    Iterator<Tuple2<Object, Object>> records =
        new InterruptibleIterator<>(
            context,
            new DeserializingIterator(
                blocks, dependency.serializer().newInstance(), readMetrics, context));
    Iterator<? extends Product2<K, ?>> result;
    try {
      result =
          new AggregateAndSort(
                  context,
                  settings,
                  serializerManager,
                  SpillFileSource.tempLocalBlocks(),
                  ShuffleCounters.of(handle))
              .apply(dependency, (Iterator<Product2<K, Object>>) (Iterator<?>) records);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "aggregating or sorting shuffle " + handle.shuffleId() + " failed: " + e.getMessage(), e);
    }
    if (result instanceof InterruptibleIterator) {
      return (Iterator<Product2<K, C>>) result;
    }
    return new InterruptibleIterator<>(context, (Iterator<Product2<K, C>>) result);
  }
}
