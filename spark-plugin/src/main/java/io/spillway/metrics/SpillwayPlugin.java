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
package io.spillway.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.shuffle.ShuffleManager;

/**
 * Spillway's executor metrics as a Spark metrics source, for the sinks a cluster already has
 * (JMX, Prometheus servlet, Graphite, CSV, ...). Enable with
 * {@code spark.plugins=io.spillway.metrics.SpillwayPlugin}. Each executor registers the source
 * {@code plugin.io.spillway.metrics.SpillwayPlugin} with these gauges:
 *
 * <pre>
 *   indexCache.cachedOutputs   map outputs whose index is cached
 *   indexCache.cachedBytes     bytes those indexes take
 *   indexCache.maxBytes        spark.spillway.read.indexCacheSize
 *   indexCache.hits            blocks served from a cached index
 *   indexCache.misses          blocks whose index was read from its file
 * </pre>
 *
 * Why a metrics source and not accumulators like {@link ShuffleCounters}: the cache serves the
 * blocks an executor gives out, to its own tasks and to other executors' fetches, outside any
 * task. The gauges find the cache when they are read, because Spark starts plugins before it
 * starts the shuffle manager; they read 0 under another shuffle manager.
 */
public final class SpillwayPlugin implements SparkPlugin {

  /** The source name Spark gives this plugin's metrics. */
  public static final String SOURCE_NAME = "plugin." + SpillwayPlugin.class.getName();

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        registerGauges(ctx.metricRegistry());
      }
    };
  }

  static void registerGauges(MetricRegistry registry) {
    gauge(registry, "indexCache.cachedOutputs", IndexCacheStats::cachedOutputs);
    gauge(registry, "indexCache.cachedBytes", IndexCacheStats::cachedBytes);
    gauge(registry, "indexCache.maxBytes", IndexCacheStats::maxBytes);
    gauge(registry, "indexCache.hits", IndexCacheStats::hits);
    gauge(registry, "indexCache.misses", IndexCacheStats::misses);
  }

  private static void gauge(
      MetricRegistry registry, String name, ToLongFunction<IndexCacheStats> value) {
    registry.register(
        name,
        (Gauge<Long>)
            () -> {
              IndexCacheStats stats = indexCache();
              return stats == null ? 0L : value.applyAsLong(stats);
            });
  }

  /** This executor's index cache, or null before the shuffle manager exists or under another. */
  private static IndexCacheStats indexCache() {
    SparkEnv env = SparkEnv.get();
    ShuffleManager manager = env == null ? null : env.shuffleManager();
    return manager != null && manager.shuffleBlockResolver() instanceof IndexCacheStats stats
        ? stats
        : null;
  }
}
