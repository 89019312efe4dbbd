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

import io.spillway.combine.CombineFunctions;
import io.spillway.combine.ExternalMerger;
import io.spillway.combine.MergerMetrics;
import io.spillway.combine.MergerSettings;
import io.spillway.io.TaskBoundIterator;
import io.spillway.metrics.TaskSpillMetrics;
import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

/**
 * One partition through an {@link ExternalMerger}: the map-side combine before the shuffle
 * (input: values) and the merge after it (input: values without map-side combine, combiners
 * with it). Output is every key of the partition once, with its combiner, in no particular
 * order.
 *
 * @param <K> key type
 * @param <I> input type per record: the value type, or the combiner type after map-side combine
 * @param <C> combiner type
 */
final class CombineInTask<K, I, C> implements PairFlatMapFunction<Iterator<Tuple2<K, I>>, K, C> {

  private static final long serialVersionUID = 1L;

  /** What the records of the partition carry. */
  enum Input {
    VALUES,
    COMBINERS
  }

  private final CombineFunctions<?, C> functions;
  private final MergerSettings settings;
  private final Input input;

  CombineInTask(CombineFunctions<?, C> functions, MergerSettings settings, Input input) {
    this.functions = Objects.requireNonNull(functions, "functions is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.input = Objects.requireNonNull(input, "input is null");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Iterator<Tuple2<K, C>> call(Iterator<Tuple2<K, I>> records) throws Exception {
    TaskScope scope = TaskScope.current("combineByKey");
    ExternalMerger<K, Object, C> merger =
        new ExternalMerger<>(
            (CombineFunctions<Object, C>) functions,
            settings,
            scope.taskMemoryManager(),
            scope.serializerManager(),
            scope.newSerializerInstance(),
            scope.spillFiles());
    return TaskBoundIterator.untilExhausted(
        scope.task(),
        () -> {
          if (input == Input.VALUES) {
            merger.mergeValues((Iterator) records);
          } else {
            merger.mergeCombiners((Iterator) records);
          }
          return merger.items();
        },
        () -> {
          try {
            merger.close();
          } finally {
            MergerMetrics metrics = merger.metrics();
            TaskSpillMetrics.add(
                scope.task(),
                metrics.memoryBytesSpilled(),
                metrics.bytesSpilled(),
                metrics.peakMemoryBytes());
          }
        });
  }
}
