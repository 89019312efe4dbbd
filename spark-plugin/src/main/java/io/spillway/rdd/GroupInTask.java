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
package io.spillway.rdd;

import io.spillway.combine.ExternalGroupBy;
import io.spillway.combine.MergerMetrics;
import io.spillway.combine.MergerSettings;
import io.spillway.io.TaskBoundIterator;
import io.spillway.metrics.TaskSpillMetrics;
import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * One shuffled partition through an {@link ExternalGroupBy}: every key once with all its values
 * as an {@code ExternalList}, a re-iterable {@link Iterable} that keeps only a bounded part of
 * its values in memory, so one key may have more values than the task's memory.
 *
 * <p>Unlike the other operations, the group-by is closed only when the task ends, not when its
 * output is exhausted: the lists it handed out read their spilled values from files the group-by
 * owns, and the next stage of the task may still hold and iterate them after the last key was
 * returned (for example {@code toArray} before a result is written).
 */
final class GroupInTask<K, V>
    implements PairFlatMapFunction<Iterator<Tuple2<K, V>>, K, Iterable<V>> {

  private static final long serialVersionUID = 1L;

  private final MergerSettings settings;

  GroupInTask(MergerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings is null");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Iterator<Tuple2<K, Iterable<V>>> call(Iterator<Tuple2<K, V>> records) throws Exception {
    TaskScope scope = TaskScope.current("groupByKey");
    ExternalGroupBy<K, V> groupBy =
        new ExternalGroupBy<>(
            settings,
            scope.taskMemoryManager(),
            scope.serializerManager(),
            scope.newSerializerInstance(),
            scope.spillFiles());
    return (Iterator)
        TaskBoundIterator.untilTaskEnd(
            scope.task(),
            () -> {
              groupBy.mergeValues(records);
              return groupBy.items();
            },
            failed -> {
              try {
                groupBy.closeAtTaskEnd(failed);
              } finally {
                // Read after close: the lists' spills happen while the output is iterated.
                MergerMetrics metrics = groupBy.metrics();
                TaskSpillMetrics.add(
                    scope.task(),
                    metrics.memoryBytesSpilled(),
                    metrics.bytesSpilled(),
                    metrics.peakMemoryBytes());
              }
            });
  }
}
