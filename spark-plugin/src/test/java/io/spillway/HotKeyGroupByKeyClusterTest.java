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

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * {@code groupByKey} where one key's values take four times the executor's whole heap, on a
 * real executor JVM ({@code local-cluster[1,1,256]}: one worker, one core, 256 MiB), completes
 * under Spillway with the right count and sum.
 *
 * <p>Why Spark's built-in shuffle cannot finish this job: its reducer groups with {@code
 * ExternalAppendOnlyMap}, whose combiner for a key is a {@code CompactBuffer} holding all of the
 * key's values. Spilling writes whole buffers and merging the spills reads one key's buffers
 * back and concatenates them in memory, so the key's 1 GiB of values must fit in a 256 MiB heap
 * at once, and the task dies with an {@code OutOfMemoryError} (checked: this job with {@code
 * spark.shuffle.manager=sort} fails its reduce task with "OutOfMemoryError: Java heap space").
 * Spillway's {@code
 * ExternalGroupBy} groups that key by sort into an {@code ExternalList} that writes its values
 * to disk every few MiB and reads them back when the group is iterated.
 */
class HotKeyGroupByKeyClusterTest {
  /** Longs per value: one value is 128 * 8 + 16 = 1040 bytes of heap. */
  private static final int LONGS_PER_VALUE = 128;

  private static final int VALUES_PER_MAP_TASK = 500_000;
  private static final int MAP_TASKS = 2;

  @Test
  void oneKeyFourTimesTheExecutorHeapIsGrouped() throws Exception {
    SparkConf conf =
        new SparkConf()
            .setMaster("local-cluster[1,1,256]")
            .setAppName("spillway-hot-key")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .set("spark.executor.memory", "256m")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<Tuple2<Integer, Tuple2<Long, Long>>> groups =
          sc.parallelize(List.of(0, 1), MAP_TASKS)
              .flatMapToPair(task -> new HotKeyValues(task))
              .groupByKey(1)
              .mapValues(
                  values -> {
                    long count = 0;
                    long sum = 0;
                    for (long[] value : values) {
                      count++;
                      sum += value[0];
                    }
                    return new Tuple2<>(count, sum);
                  })
              .collect();
      long totalValues = (long) VALUES_PER_MAP_TASK * MAP_TASKS;
      long expectedSum = totalValues * (totalValues - 1) / 2;
      assertEquals(1, groups.size());
      Map.Entry<Integer, Tuple2<Long, Long>> hot =
          Map.entry(groups.get(0)._1(), groups.get(0)._2());
      assertEquals(7, hot.getKey());
      assertEquals(totalValues, hot.getValue()._1());
      assertEquals(expectedSum, hot.getValue()._2());
    }
  }

  /** Values of key 7 for one map task, made lazily: value i carries its global index in [0]. */
  private static final class HotKeyValues implements Iterator<Tuple2<Integer, long[]>> {
    private final long first;
    private long next;

    HotKeyValues(int task) {
      this.first = (long) task * VALUES_PER_MAP_TASK;
      this.next = first;
    }

    @Override
    public boolean hasNext() {
      return next < first + VALUES_PER_MAP_TASK;
    }

    @Override
    public Tuple2<Integer, long[]> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long[] value = new long[LONGS_PER_VALUE];
      value[0] = next++;
      return new Tuple2<>(7, value);
    }
  }
}
