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
    Map<String, String> extraConfigs =
        CollectionConverters.asJava(
            scala.collection.immutable.Map$.MODULE$.from(
                scala.Predef.wrapRefArray(
                    conf.getAllWithPrefix(ShuffleDataIOUtils.SHUFFLE_SPARK_CONF_PREFIX()))));
    components.initializeExecutor(conf.getAppId(), executorId, extraConfigs);
    return components;
  }
}
