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
package io.spillway.read;

import io.spillway.combine.CombineFunctions;
import io.spillway.combine.ExternalGroupBy;
import io.spillway.combine.ExternalList;
import io.spillway.combine.ExternalMerger;
import io.spillway.combine.MergerMetrics;
import io.spillway.combine.MergerSettings;
import io.spillway.io.TaskBoundIterator;
import io.spillway.metrics.ShuffleCounters;
import io.spillway.metrics.TaskSpillMetrics;
import io.spillway.sort.ExternalSorter;
import io.spillway.sort.SortSettings;
import io.spillway.spark.SparkGroupByKey;
import io.spillway.spill.SpillFileSource;
import java.io.IOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Aggregator;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Product2;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The reduce side after deserialization: aggregate and/or sort the records as the dependency
 * asks, with Spillway's combiners.
 *
 * <pre>
 *   aggregator, map-side combined   ExternalMerger.mergeCombiners
 *   aggregator, values              ExternalMerger.mergeValues
 *   Spark's groupByKey              ExternalGroupBy (values as a spillable, re-iterable Iterable;
 *                                   recognised by SparkGroupByKey, unless switched off)
 *   key ordering                    ExternalSorter, after the aggregation if there is one
 * </pre>
 *
 * <p>Aggregation and ordering together (no built-in RDD operation asks for both, but a custom
 * {@code ShuffleDependency} may) aggregate first, then sort: after the merger each key occurs
 * once, so the sorter orders and spills the fewest records, and the merger's hash partitioning
 * copes with memory better than merging combiners inside sorted runs would. {@code groupByKey}
 * with an ordering takes the merger path ({@code CompactBuffer}s in memory, as Spark does),
 * because a sorter that spills would serialize whole groups into its runs.
 *
 * <p>Memory and files: each merger, group-by and sorter is closed when its output is exhausted
 * and, failing that, by a task completion listener (a consumer may stop early, as {@code take}
 * does). The group-by is the exception to the first rule: its lists may be iterated after the
 * reader's iterator is exhausted (collect gathers all groups, then serializes them), so their
 * files live until the task completes. Spill counts and sizes and the peak memory go into the
 * task's metrics once per structure.
 */
final class AggregateAndSort {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateAndSort.class);
  private final TaskContext context;
  private final MergerSettings mergerSettings;
  private final boolean groupByKeyDetection;
  private final boolean sortKeyPrefixes;
  private final SerializerManager serializerManager;
  private final SpillFileSource spillFiles;
  private final ShuffleCounters counters;

  AggregateAndSort(
      TaskContext context,
      ReadSettings settings,
      SerializerManager serializerManager,
      SpillFileSource spillFiles,
      ShuffleCounters counters) {
    this.context = context;
    this.mergerSettings = settings.mergerSettings();
    this.groupByKeyDetection = settings.groupByKeyDetection();
    this.sortKeyPrefixes = settings.sortKeyPrefixes();
    this.serializerManager = serializerManager;
    this.spillFiles = spillFiles;
    this.counters = counters;
  }

  /** The records the reader returns: aggregated, grouped and/or sorted, or as they came. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  <K> scala.collection.Iterator<? extends Product2<K, ?>> apply(
      ShuffleDependency<K, ?, ?> dependency, scala.collection.Iterator<Product2<K, Object>> records)
      throws IOException {
    scala.collection.Iterator<? extends Product2<K, ?>> result = records;
    if (dependency.aggregator().isDefined()) {
      Aggregator<K, Object, Object> aggregator =
          (Aggregator<K, Object, Object>) dependency.aggregator().get();
      boolean sortAfter = dependency.keyOrdering().isDefined();
      result =
          dependency.mapSideCombine()
              ? mergeCombiners(aggregator, CollectionConverters.asJava(records))
              : mergeValues(aggregator, CollectionConverters.asJava(records), !sortAfter);
    }
    if (dependency.keyOrdering().isDefined()) {
      result =
          sort(
              (Comparator<K>) dependency.keyOrdering().get(),
              dependency,
              CollectionConverters.asJava((scala.collection.Iterator) result));
    }
    return result;
  }

  private <K> scala.collection.Iterator<Tuple2<K, Object>> mergeCombiners(
      Aggregator<K, Object, Object> aggregator, Iterator<Product2<K, Object>> records)
      throws IOException {
    ExternalMerger<K, Object, Object> merger = newMerger(aggregator);
    Iterator<Tuple2<K, Object>> masked =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return records.hasNext();
          }

          @Override
          public Tuple2<K, Object> next() {
            return CombineFunctions.withMaskedCombiner(records.next());
          }
        };
    return run(merger, () -> merger.mergeCombiners(masked));
  }

  private <K> scala.collection.Iterator<? extends Product2<K, ?>> mergeValues(
      Aggregator<K, Object, Object> aggregator,
      Iterator<Product2<K, Object>> records,
      boolean groupByKeyAllowed)
      throws IOException {
    if (!records.hasNext()) {
      return scala.collection.Iterator$.MODULE$.empty();
    }
    Product2<K, Object> first = records.next();
    Object firstCombiner = aggregator.createCombiner().apply(first._2());
    if (groupByKeyAllowed
        && groupByKeyDetection
        && SparkGroupByKey.isSparkGroupByKey(aggregator, firstCombiner)) {
      return groupByKey(first, records);
    }
    ExternalMerger<K, Object, Object> merger = newMerger(aggregator);
    return run(
        merger,
        () -> {
          merger.mergeCombiners(
              List.of(new Tuple2<>(first._1(), CombineFunctions.maskNull(firstCombiner)))
                  .iterator());
          merger.mergeValues(records);
        });
  }

  private <K> scala.collection.Iterator<Tuple2<K, scala.collection.Iterable<Object>>> groupByKey(
      Product2<K, Object> first, Iterator<Product2<K, Object>> rest) throws IOException {
    ExternalGroupBy<K, Object> groupBy =
        new ExternalGroupBy<>(
            mergerSettings,
            context.taskMemoryManager(),
            serializerManager,
            combinerSerializer(),
            spillFiles);
    Iterator<Tuple2<K, ExternalList<Object>>> groups =
        TaskBoundIterator.untilTaskEnd(
            context,
            () -> {
              groupBy.mergeValues(List.of(first).iterator());
              groupBy.mergeValues(rest);
              return groupBy.items();
            },
            failed -> {
              try {
                groupBy.closeAtTaskEnd(failed);
              } finally {
                recordMetrics(groupBy.metrics());
              }
            });
    Iterator<Tuple2<K, scala.collection.Iterable<Object>>> grouped =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return groups.hasNext();
          }

          @Override
          public Tuple2<K, scala.collection.Iterable<Object>> next() {
            Tuple2<K, ExternalList<Object>> group = groups.next();
            return new Tuple2<>(group._1(), asGroupValues(group._2()));
          }
        };
    return CollectionConverters.asScala(grouped);
  }

  /**
   * One key's values as the {@code scala.collection.Iterable} Spark's {@code groupByKey} promises
   * ({@code RDD[(K, Iterable[V])]}; the reader's output type is erased, so any {@code Iterable}
   * is a valid value): Scala's serializable wrapper of a {@code java.lang.Iterable}, around the
   * {@link ExternalList}, which is itself serializable (Java and Kryo: it writes every value,
   * read from disk as needed) and re-iterable (each iteration reads the values on disk again).
   * {@code JavaPairRDD.groupByKey} users get the list itself back: Spark's {@code asJava}
   * unwraps the wrapper.
   *
   * <p>Why not a Java subclass of {@code scala.collection.AbstractIterable}: javac does not see
   * several of Scala's trait defaults ({@code newSpecificBuilder}, {@code tapEach}...) as
   * implementing the generic methods they implement, so such a class does not compile without
   * re-declaring them by hand.
   */
  private static scala.collection.Iterable<Object> asGroupValues(ExternalList<Object> values) {
    return CollectionConverters.asScala((java.lang.Iterable<Object>) values);
  }

  private <K> ExternalMerger<K, Object, Object> newMerger(
      Aggregator<K, Object, Object> aggregator) {
    return new ExternalMerger<>(
        CombineFunctions.fromAggregator(aggregator),
        mergerSettings,
        context.taskMemoryManager(),
        serializerManager,
        combinerSerializer(),
        spillFiles);
  }

  /**
   * Feeds the merger, then hands out its items with null combiners unmasked; the merger is closed
   * at the end either way.
   */
  private <K> scala.collection.Iterator<Tuple2<K, Object>> run(
      ExternalMerger<K, Object, Object> merger, Feed feed) throws IOException {
    Iterator<Tuple2<K, Object>> items =
        TaskBoundIterator.untilExhausted(
            context,
            () -> {
              feed.run();
              return merger.items();
            },
            () -> {
              try {
                merger.close();
              } finally {
                recordMetrics(merger.metrics());
              }
            });
    Iterator<Tuple2<K, Object>> unmasked =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return items.hasNext();
          }

          @Override
          public Tuple2<K, Object> next() {
            return CombineFunctions.withUnmaskedCombiner(items.next());
          }
        };
    return CollectionConverters.asScala(unmasked);
  }

  @SuppressWarnings("unchecked")
  private <K> scala.collection.Iterator<Tuple2<K, Object>> sort(
      Comparator<K> ordering,
      ShuffleDependency<K, ?, ?> dependency,
      Iterator<Product2<K, Object>> records)
      throws IOException {
    ExternalSorter<K, Object> sorter =
        new ExternalSorter<>(
            ordering,
            new SortSettings(mergerSettings.maxOpenFiles(), mergerSettings.fileBufferBytes())
                .withKeyPrefixes(sortKeyPrefixes),
            context.taskMemoryManager(),
            serializerManager,
            dependency.serializer().newInstance(),
            new io.spillway.io.TempFileTracker<>(spillFiles));
    return CollectionConverters.asScala(
        TaskBoundIterator.untilExhausted(
            context,
            () -> {
              sorter.insertAll(records);
              return sorter.sortedIterator();
            },
            () -> {
              try {
                sorter.close();
              } finally {
                TaskSpillMetrics.add(
                    context,
                    sorter.memoryBytesSpilled(),
                    sorter.bytesSpilled(),
                    sorter.peakMemoryBytes());
              }
            }));
  }

  private void recordMetrics(MergerMetrics merged) {
    if (merged.spillCount() > 0) {
      LOG.info(
          "Reduce-side combine of task {} spilled {} time(s): {} bytes estimated in memory,"
              + " {} bytes on disk, recursion depth {}, peak memory {} bytes",
          context.taskAttemptId(),
          merged.spillCount(),
          merged.memoryBytesSpilled(),
          merged.bytesSpilled(),
          merged.recursionDepth(),
          merged.peakMemoryBytes());
    }
    counters.reduceSideCombined(merged.spillCount(), merged.recursionDepth());
    TaskSpillMetrics.add(
        context, merged.memoryBytesSpilled(), merged.bytesSpilled(), merged.peakMemoryBytes());
  }

  /**
   * Spills of combiners use the application's serializer, as Spark's {@code
   * ExternalAppendOnlyMap} does: without map-side combine, combiners never passed through the
   * dependency's serializer, so only the default one is known to handle them.
   */
  private static SerializerInstance combinerSerializer() {
    return SparkEnv.get().serializer().newInstance();
  }

  @FunctionalInterface
  private interface Feed {
    void run() throws IOException;
  }
}
