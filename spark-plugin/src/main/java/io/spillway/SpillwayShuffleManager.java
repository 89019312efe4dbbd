package io.spillway;

import io.spillway.io.TempFileTracker;
import io.spillway.config.ConfigWarnings;
import io.spillway.config.MapSideCombineSettings;
import io.spillway.config.SpillwayConfig;
import io.spillway.config.WriteSettings;
import io.spillway.metrics.ShuffleCounters;
import io.spillway.read.SpillwayShuffleReader;
import io.spillway.spark.IndexCachingBlockResolver;
import io.spillway.spark.SparkShuffleIo;
import io.spillway.write.MapOutputBuffer;
import io.spillway.write.MapTaskContext;
import io.spillway.write.ObjectMapOutputBuffer;
import io.spillway.write.SerializedMapOutputBuffer;
import io.spillway.write.SpillwayShuffleWriter;
import io.spillway.write.spill.SpillLocationSource;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
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
 * spark-submit --jars spillway-spark-&lt;version&gt;.jar \
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
  private final WriteSettings writeSettings;
  private final MapSideCombineSettings mapSideCombineSettings;
  private final IndexCachingBlockResolver blockResolver;
  private volatile ShuffleExecutorComponents executorComponents;
  /** Whether a forced merge strategy was reported as not applying to an object-path shuffle. */
  private final AtomicBoolean objectPathReported = new AtomicBoolean();

  public SpillwayShuffleManager(SparkConf conf) {
    super(conf);
    this.conf = conf;
    // Fail at start-up, naming key, value and allowed values, rather than in the first task.
    SpillwayConfig.validate(conf);
    this.writeSettings = WriteSettings.fromSparkConf(conf);
    this.mapSideCombineSettings = MapSideCombineSettings.fromSparkConf(conf);
    // Spark's resolver and file layout, with index files cached (see IndexCachingBlockResolver)
    this.blockResolver = new IndexCachingBlockResolver(
        conf, SpillwayConfig.READ_INDEX_CACHE_SIZE.read(conf));
    LOG.info("Spillway shuffle manager started: {}", SpillwayConfig.describe(conf));
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
  public <K, V, C> ShuffleHandle registerShuffle(int shuffleId, ShuffleDependency<K, V, C> dependency) {
    WritePath path = WritePath.choose(dependency);
    if (path == WritePath.OBJECT && !objectPathReported.get()) {
      ConfigWarnings.forcedStrategyOnObjectPath(conf, shuffleId, WritePath.whyObject(dependency))
          .filter(warning -> objectPathReported.compareAndSet(false, true))
          .ifPresent(LOG::warn);
    }
    return new SpillwayShuffleHandle<>(shuffleId, dependency, path,
        ShuffleCounters.register(dependency.rdd().sparkContext(), shuffleId));
  }

  @Override
  public <K, V> ShuffleWriter<K, V> getWriter(ShuffleHandle handle, long mapId, TaskContext context,
      ShuffleWriteMetricsReporter metrics) {
    SpillwayShuffleHandle<K, V, ?> spillwayHandle = asSpillwayHandle(handle);
    blockResolver.recordMapOutput(handle.shuffleId(), mapId);
    ShuffleDependency<K, V, ?> dependency = spillwayHandle.dependency();
    SparkEnv env = SparkEnv.get();
    MapTaskContext task = new MapTaskContext(
        handle.shuffleId(),
        mapId,
        dependency.partitioner().numPartitions(),
        writeSettings,
        context.taskMemoryManager(),
        dependency.serializer().newInstance(),
        env.serializerManager(),
        new TempFileTracker<>(SpillLocationSource.sparkLocalDirs()),
        context.taskMetrics());
    ShuffleWriter<K, V> writer =
        newWriter(spillwayHandle, task, context, metrics, env.blockManager().shuffleServerId());
    // Spark calls stop(false) when write() throws; this also covers a task that ends without
    // either (stop is idempotent), so no page or temp file outlives the task.
    context.addTaskCompletionListener((TaskCompletionListener) finished -> writer.stop(false));
    return writer;
  }

  private <K, V, C> ShuffleWriter<K, V> newWriter(SpillwayShuffleHandle<K, V, C> handle,
      MapTaskContext task, TaskContext context, ShuffleWriteMetricsReporter metrics,
      BlockManagerId shuffleServerId) {
    ShuffleDependency<K, V, C> dependency = handle.dependency();
    if (dependency.mapSideCombine()) {
      MapOutputBuffer<K, C> buffer = newBuffer(handle.writePath(), task);
      ShuffleWriter<K, C> combined = new SpillwayShuffleWriter<>(dependency.partitioner(),
          dependency.rowBasedChecksums(), task, buffer, metrics, executorComponents(),
          shuffleServerId, handle.counters());
      return new MapSideCombiningWriter<>(dependency, combined, context, mapSideCombineSettings,
          handle.counters());
    }
    MapOutputBuffer<K, V> buffer = newBuffer(handle.writePath(), task);
    return new SpillwayShuffleWriter<>(dependency.partitioner(), dependency.rowBasedChecksums(),
        task, buffer, metrics, executorComponents(), shuffleServerId, handle.counters());
  }

  private static <K, V> MapOutputBuffer<K, V> newBuffer(WritePath path, MapTaskContext task) {
    return path == WritePath.SERIALIZED
        ? new SerializedMapOutputBuffer<>(task)
        : new ObjectMapOutputBuffer<>(task);
  }

  @Override
  public <K, C> ShuffleReader<K, C> getReader(ShuffleHandle handle, int startMapIndex,
      int endMapIndex, int startPartition, int endPartition, TaskContext context,
      ShuffleReadMetricsReporter metrics) {
    BaseShuffleHandle<K, ?, C> baseHandle = asSpillwayHandle(handle);
    return SpillwayShuffleReader.forRange(baseHandle, startMapIndex, endMapIndex, startPartition,
        endPartition, context, metrics);
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
      throw new IllegalArgumentException("Shuffle " + handle.shuffleId()
          + " was registered by another shuffle manager (handle " + handle.getClass().getName()
          + "); every JVM of the application must use " + SpillwayShuffleManager.class.getName());
    }
    return (SpillwayShuffleHandle<K, V, C>) handle;
  }
}
