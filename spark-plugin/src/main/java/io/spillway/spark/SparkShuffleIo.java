package io.spillway.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.shuffle.ShuffleDataIOUtils;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's shuffle IO plugin ({@code spark.shuffle.sort.io.plugin.class}, default the local-disk
 * one), loaded and initialised the way Spark's {@code SortShuffleManager} does it. The loader
 * ({@code ShuffleDataIOUtils}) is {@code private[spark]}; the components it returns are the
 * public shuffle IO API.
 */
public final class SparkShuffleIo {
  private SparkShuffleIo() {}

  /**
   * The executor side of the configured shuffle IO plugin, initialised for this application and
   * executor with the plugin's own settings (the keys under Spark's shuffle plugin prefix).
   */
  public static ShuffleExecutorComponents executorComponents(SparkConf conf, String executorId) {
    ShuffleExecutorComponents components = ShuffleDataIOUtils.loadShuffleDataIO(conf).executor();
    Map<String, String> extraConfigs = CollectionConverters.asJava(
        scala.collection.immutable.Map$.MODULE$.from(scala.Predef.wrapRefArray(
            conf.getAllWithPrefix(ShuffleDataIOUtils.SHUFFLE_SPARK_CONF_PREFIX()))));
    components.initializeExecutor(conf.getAppId(), executorId, extraConfigs);
    return components;
  }
}
