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

import io.spillway.config.ConfigWarnings;
import io.spillway.config.MapSideCombineSettings;
import io.spillway.config.SpillwayConfig;
import io.spillway.config.WriteSettings;
import io.spillway.io.TempFileTracker;
import io.spillway.metrics.ShuffleCounters;
import io.spillway.read.SpillwayShuffleReader;
import io.spillway.spark.IndexCachingBlockResolver;
import io.spillway.spark.SparkShuffleIo;
import io.spillway.spark.SparkVersionBridge;
import io.spillway.spill.SpillFileSource;
import io.spillway.write.MapOutputBuffer;
import io.spillway.write.MapTaskContext;
import io.spillway.write.ObjectMapOutputBuffer;
import io.spillway.write.PartitionStreamsMapOutputBuffer;
import io.spillway.write.SerializedMapOutputBuffer;
import io.spillway.write.SpillwayShuffleWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.shuffle.BaseShuffleHandle;
import org.apache.spark.shuffle.ShuffleHandle;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.ShuffleWriteMetricsReporter;
import org.apache.spark.shuffle.ShuffleWriter;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.sort.SortShuffleManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spillway's shuffle manager. Enable it with
 *
 * <pre>
 * spark-submit --jars spillway-spark_2.13-&lt;version&gt;.jar \
 *   --conf spark.shuffle.manager=io.spillway.SpillwayShuffleManager ...
 * </pre>
 *
 * <p>Wiring only: it picks a write path per shuffle, builds Spillway's writers and readers, and
 * removes a shuffle's files when Spark unregisters it. None of Spark's shuffle writers is used.
 *
 * <p>Why it extends {@link SortShuffleManager} while overriding every method: Spark SQL copies
 * every row before a shuffle unless the manager is a {@code SortShuffleManager}
 * ({@code ShuffleExchangeExec.needToCopyObjectsBeforeShuffle}). In exchange Spillway's writers
 * never keep a reference to a record once the next one arrives on the serialized path, which is
 * the only path SQL rows take. The on-disk format is Spark's {@code .data}/{@code .index}/{@code
 * .checksum}, so the block resolver is Spark's {@code IndexShuffleBlockResolver} (extended to cache
 * index files: {@link IndexCachingBlockResolver}) and the external
 * shuffle service, host-local reads and decommission migration work unchanged.
 */
public class SpillwayShuffleManager extends SortShuffleManager {
  private static final Logger LOG = LoggerFactory.getLogger(SpillwayShuffleManager.class);

  private final SparkConf conf;
  private final SparkVersionBridge spark;
  private final WriteSettings writeSettings;
  private final MapSideCombineSettings mapSideCombineSettings;
  private final IndexCachingBlockResolver blockResolver;
  private volatile ShuffleExecutorComponents executorComponents;

  /** Whether a forced merge strategy was reported as not applying to an object-path shuffle. */
  private final AtomicBoolean objectPathReported = new AtomicBoolean();

  public SpillwayShuffleManager(SparkConf conf) {
    // An unsupported Spark version stops here, before Spark's own manager is built
    this(conf, SparkVersionBridge.forRunningSpark());
  }

  /** As if Spark were {@code sparkVersion} (tests of the version check). */
  SpillwayShuffleManager(SparkConf conf, String sparkVersion) {
    this(conf, SparkVersionBridge.forVersion(sparkVersion, LOG::warn));
  }

  private SpillwayShuffleManager(SparkConf conf, SparkVersionBridge spark) {
    super(conf);
    this.conf = conf;
    this.spark = spark;
    // Fail at start-up, naming key, value and allowed values, rather than in the first task.
    SpillwayConfig.validate(conf);
    this.writeSettings = WriteSettings.fromSparkConf(conf);
    this.mapSideCombineSettings = MapSideCombineSettings.fromSparkConf(conf);
    // Spark's resolver and file layout, with index files cached (see IndexCachingBlockResolver)
    this.blockResolver =
        new IndexCachingBlockResolver(conf, SpillwayConfig.READ_INDEX_CACHE_SIZE.read(conf), spark);
    LOG.info(
        "Spillway {} shuffle manager started on Spark {} ({}): {}",
        version(),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        spark,
        SpillwayConfig.describe(conf));
    warnSettingsThatCannotApply(conf);
  }

  /**
   * One WARN per unknown {@code spark.spillway.*} key and per forced setting that cannot apply,
   * on the driver only: executors get the same configuration, and the driver's log is where a
   * user looks first.
   */
  private static void warnSettingsThatCannotApply(SparkConf conf) {
    if (SparkContext$.MODULE$.DRIVER_IDENTIFIER().equals(conf.get("spark.executor.id", null))) {
      ConfigWarnings.of(conf).forEach(LOG::warn);
    }
  }

  @Override
  public <K, V, C> ShuffleHandle registerShuffle(
      int shuffleId, ShuffleDependency<K, V, C> dependency) {
    WritePath path = WritePath.choose(dependency, writeSettings.bypassMergeThreshold());
    if (path != WritePath.SERIALIZED && !objectPathReported.get()) {
      String why = WritePath.whyNotSerialized(dependency);
      (path == WritePath.OBJECT
              ? ConfigWarnings.forcedStrategyOnObjectPath(conf, shuffleId, why)
              : ConfigWarnings.forcedStrategyOnPartitionStreams(conf, shuffleId, why))
          .filter(warning -> objectPathReported.compareAndSet(false, true))
          .ifPresent(LOG::warn);
    }
    return new SpillwayShuffleHandle<>(
        shuffleId,
        dependency,
        path,
        ShuffleCounters.register(dependency.rdd().sparkContext(), shuffleId));
  }

  @Override
  public <K, V> ShuffleWriter<K, V> getWriter(
      ShuffleHandle handle, long mapId, TaskContext context, ShuffleWriteMetricsReporter metrics) {
    SpillwayShuffleHandle<K, V, ?> spillwayHandle = asSpillwayHandle(handle);
    blockResolver.recordMapOutput(handle.shuffleId(), mapId);
    ShuffleDependency<K, V, ?> dependency = spillwayHandle.dependency();
    SparkEnv env = SparkEnv.get();
    MapTaskContext task =
        new MapTaskContext(
            handle.shuffleId(),
            mapId,
            dependency.partitioner().numPartitions(),
            writeSettings,
            context.taskMemoryManager(),
            dependency.serializer().newInstance(),
            env.serializerManager(),
            new TempFileTracker<>(SpillFileSource.tempShuffleBlocks()),
            context.taskMetrics());
    ShuffleWriter<K, V> writer =
        newWriter(spillwayHandle, task, context, metrics, env.blockManager().shuffleServerId());
    // Spark calls stop(false) when write() throws; this also covers a task that ends without
    // either (stop is idempotent), so no page or temp file outlives the task.
    context.addTaskCompletionListener((TaskCompletionListener) finished -> writer.stop(false));
    return writer;
  }

  private <K, V, C> ShuffleWriter<K, V> newWriter(
      SpillwayShuffleHandle<K, V, C> handle,
      MapTaskContext task,
      TaskContext context,
      ShuffleWriteMetricsReporter metrics,
      BlockManagerId shuffleServerId) {
    ShuffleDependency<K, V, C> dependency = handle.dependency();
    if (dependency.mapSideCombine()) {
      // the buffer holds combiners (C), not values: the combining writer feeds it
      ShuffleWriter<K, C> combined = bufferedWriter(handle, task, metrics, shuffleServerId);
      return new MapSideCombiningWriter<>(
          dependency, combined, context, mapSideCombineSettings, handle.counters());
    }
    return bufferedWriter(handle, task, metrics, shuffleServerId);
  }

  /** The writer over the handle's map output buffer; {@code R} is what the buffer holds. */
  private <K, R> SpillwayShuffleWriter<K, R> bufferedWriter(
      SpillwayShuffleHandle<K, ?, ?> handle,
      MapTaskContext task,
      ShuffleWriteMetricsReporter metrics,
      BlockManagerId shuffleServerId) {
    ShuffleDependency<K, ?, ?> dependency = handle.dependency();
    return new SpillwayShuffleWriter<>(
        dependency.partitioner(),
        spark.rowChecksums(dependency),
        task,
        SpillwayShuffleManager.<K, R>newBuffer(handle.writePath(), task),
        metrics,
        executorComponents(),
        shuffleServerId,
        spark,
        handle.counters());
  }

  private static <K, V> MapOutputBuffer<K, V> newBuffer(WritePath path, MapTaskContext task) {
    return switch (path) {
      case SERIALIZED -> new SerializedMapOutputBuffer<>(task);
      // the slabs' fit depends on the executor's page size, known only here
      case PARTITION_STREAMS ->
          PartitionStreamsMapOutputBuffer.fits(task)
              ? new PartitionStreamsMapOutputBuffer<>(task)
              : new ObjectMapOutputBuffer<>(task);
      case OBJECT -> new ObjectMapOutputBuffer<>(task);
    };
  }

  @Override
  public <K, C> ShuffleReader<K, C> getReader(
      ShuffleHandle handle,
      int startMapIndex,
      int endMapIndex,
      int startPartition,
      int endPartition,
      TaskContext context,
      ShuffleReadMetricsReporter metrics) {
    BaseShuffleHandle<K, ?, C> baseHandle = asSpillwayHandle(handle);
    return SpillwayShuffleReader.forRange(
        baseHandle, startMapIndex, endMapIndex, startPartition, endPartition, context, metrics);
  }

  @Override
  public boolean unregisterShuffle(int shuffleId) {
    blockResolver.removeShuffle(shuffleId);
    return true;
  }

  @Override
  public IndexCachingBlockResolver shuffleBlockResolver() {
    return blockResolver;
  }

  @Override
  public void stop() {
    blockResolver.stop();
  }

  /**
   * This jar's version, from its manifest's {@code Implementation-Version}; {@code unknown} when
   * the classes are not loaded from the jar (tests run from target/classes).
   */
  public static String version() {
    String version = SpillwayShuffleManager.class.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }

  private ShuffleExecutorComponents executorComponents() {
    ShuffleExecutorComponents components = executorComponents;
    if (components == null) {
      synchronized (this) {
        components = executorComponents;
        if (components == null) {
          components = SparkShuffleIo.executorComponents(conf, SparkEnv.get().executorId());
          executorComponents = components;
        }
      }
    }
    return components;
  }

  @SuppressWarnings("unchecked")
  private static <K, V, C> SpillwayShuffleHandle<K, V, C> asSpillwayHandle(ShuffleHandle handle) {
    if (!(handle instanceof SpillwayShuffleHandle)) {
      throw new IllegalArgumentException(
          "Shuffle "
              + handle.shuffleId()
              + " was registered by another shuffle manager (handle "
              + handle.getClass().getName()
              + "); every JVM of the application must use "
              + SpillwayShuffleManager.class.getName());
    }
    return (SpillwayShuffleHandle<K, V, C>) handle;
  }
}
