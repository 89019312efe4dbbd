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

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.spillway.SpillwayShuffleManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.metrics.source.Source;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The plugin's metrics source on a real local Spark: after one shuffle of 4 map outputs read by 5
 * reduce tasks (one at a time, so no two tasks race to the same index), every map output's index
 * was read from its file once (4 misses) and its other 4 blocks came from the cache (16 hits).
 */
class SpillwayPluginTest {
  private static final int MAPS = 4;
  private static final int REDUCERS = 5;

  @Test
  void indexCacheGaugesCountTheBlocksServed() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[1]")
            .setAppName("spillway-plugin")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.plugins", SpillwayPlugin.class.getName())
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        input.add(i);
      }
      // 10,000 distinct keys: every map output has records for every reducer
      Map<Integer, Integer> sums =
          sc.parallelize(input, MAPS)
              .mapToPair(i -> new Tuple2<>(i, 1))
              .reduceByKey(Integer::sum, REDUCERS)
              .collectAsMap();
      assertEquals(10_000, sums.size());

      Map<String, Object> gauges = gauges();
      assertEquals((long) MAPS, gauges.get("indexCache.misses"), gauges.toString());
      assertEquals((long) MAPS * (REDUCERS - 1), gauges.get("indexCache.hits"), gauges.toString());
      assertEquals((long) MAPS, gauges.get("indexCache.cachedOutputs"), gauges.toString());
      // an index of 5 partitions: 6 offsets, 16 + 8 * 6 bytes counted per output
      assertEquals(MAPS * (16L + 8L * (REDUCERS + 1)), gauges.get("indexCache.cachedBytes"));
      assertEquals(32L << 20, gauges.get("indexCache.maxBytes"));
    }
  }

  private static Map<String, Object> gauges() {
    List<Source> sources =
        CollectionConverters.asJava(
            SparkEnv.get().metricsSystem().getSourcesByName(SpillwayPlugin.SOURCE_NAME));
    assertEquals(1, sources.size(), "one source " + SpillwayPlugin.SOURCE_NAME);
    MetricRegistry registry = sources.get(0).metricRegistry();
    Map<String, Object> values = new TreeMap<>();
    for (Map.Entry<String, Gauge> gauge : registry.getGauges().entrySet()) {
      values.put(gauge.getKey(), gauge.getValue().getValue());
    }
    return values;
  }
}
