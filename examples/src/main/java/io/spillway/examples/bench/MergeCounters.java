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
package io.spillway.examples.bench;

import io.spillway.metrics.ShuffleCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spillway's merge counters of one measured run, from the task-end events the driver's listener
 * bus delivers (the tasks' updates of {@link ShuffleCounters}' accumulators), so they are right
 * on a multi-executor cluster too:
 *
 * <pre>
 *   merges         map tasks that merged spills   (spillway.map.mergeStrategies)
 *   mergedSpills   spills of those tasks          (spillway.map.spills)
 *   mergeMs        their merge time               (spillway.map.mergeMillis)
 *   mostFilesOpen  most spill files one merge had open  (spillway.map.mostSpillFilesOpen)
 * </pre>
 *
 * Spark's built-in shuffle has no such counters: then nothing is put into the result.
 */
final class MergeCounters extends SparkListener {
  private boolean seen;
  private long merges;
  private long mergedSpills;
  private long mergeMs;
  private long mostFilesOpen;

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (!taskEnd.taskInfo().successful()) {
      return;
    }
    // counter -> this task's update; a task of a stage that writes one shuffle updates one set
    Map<String, Object> updates = new HashMap<>();
    for (AccumulableInfo info : CollectionConverters.asJava(taskEnd.taskInfo().accumulables())) {
      String counter = ShuffleCounters.counterOf(info.name().getOrElse(() -> null));
      if (counter != null && info.update().isDefined()) {
        updates.put(counter, info.update().get());
      }
    }
    if (updates.isEmpty()) {
      return;
    }
    seen = true;
    Object strategies = updates.get(ShuffleCounters.MAP_MERGE_STRATEGIES);
    long taskMerges = 0;
    if (strategies instanceof Map<?, ?> counts) {
      for (Object count : counts.values()) {
        taskMerges += ((Number) count).longValue();
      }
    }
    if (taskMerges > 0) {
      merges += taskMerges;
      mergedSpills += number(updates.get(ShuffleCounters.MAP_SPILLS));
      mergeMs += number(updates.get(ShuffleCounters.MAP_MERGE_MILLIS));
      mostFilesOpen =
          Math.max(mostFilesOpen, number(updates.get(ShuffleCounters.MAP_MOST_SPILL_FILES_OPEN)));
    }
  }

  private static long number(Object update) {
    return update instanceof Number n ? n.longValue() : 0;
  }

  /** Puts the four figures into a run's result, if Spillway's counters were seen. */
  synchronized void putInto(Properties result) {
    if (seen) {
      result.setProperty("merges", Long.toString(merges));
      result.setProperty("mergedSpills", Long.toString(mergedSpills));
      result.setProperty("mergeMs", Long.toString(mergeMs));
      result.setProperty("mostFilesOpen", Long.toString(mostFilesOpen));
    }
  }
}
