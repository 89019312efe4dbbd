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
/**
 * The public RDD API: key/value operations whose per-key state may be larger than memory,
 * built on Spillway's combiners.
 *
 * <p>{@link io.spillway.rdd.SpillwayPairRDD} offers {@code combineByKey}, {@code reduceByKey},
 * {@code aggregateByKey}, {@code foldByKey}, {@code groupByKey}, {@code sortByKey},
 * {@code cogroup} and the joins for a {@code JavaPairRDD} or a Scala {@code RDD[(K, V)]}:
 *
 * <pre>{@code
 * JavaPairRDD<String, Iterable<Long>> groups = SpillwayPairRDD.of(pairs).groupByKey(64);
 * }</pre>
 *
 * <h2>Design</h2>
 *
 * Each operation is three RDD steps, as PySpark's {@code rdd.py} builds {@code combineByKey}:
 *
 * <pre>
 *   mapPartitions: combine locally     ExternalMerger.mergeValues, items()   (reduce, aggregate,
 *        |                                                                   fold, combine only)
 *   partitionBy(partitioner)           a plain shuffle: no aggregator, no key ordering
 *        |
 *   mapPartitions: merge               ExternalMerger.mergeCombiners (or mergeValues)
 *                                      | ExternalGroupBy          (groupByKey)
 *                                      | ExternalSorter after a RangePartitioner (sortByKey)
 * </pre>
 *
 * {@code cogroup} and the joins shuffle each side by the partitioner, tag each value with its
 * side, union the two (a {@code PartitionerAwareUnionRDD}: partition i reads partition i of both)
 * and group once with the {@code ExternalGroupBy}; the joins are nested loops over the two sides'
 * views of each key's group ({@code CoGroupedValues}).
 *
 * Because the shuffle in the middle only moves records, these operations work under any
 * shuffle manager: Spark's built-in sort shuffle, {@code io.spillway.SpillwayShuffleManager},
 * or another plugin. The combiners run inside the tasks with the task's services: memory from
 * {@code TaskContext.get().taskMemoryManager()} (they spill when it grants less than they need),
 * the job's serializer from {@code SparkEnv}, spill compression and encryption from
 * {@code SparkEnv.serializerManager()}, spill files in the block manager's local directories.
 * Every combiner's output is an {@code io.spillway.io.TaskBoundIterator}, as in the reader: the
 * combiner is closed by a task completion listener, so memory and files are returned on
 * success, failure and kill, and the mergers and sorters also as soon as their output is
 * exhausted. The group-by is the exception: the groups it hands out read spilled values from its
 * files, and the rest of the task may still iterate them, so it lives until the task ends (its
 * memory is returned at exhaustion all the same). Spills are added to the task metrics
 * ({@code memoryBytesSpilled}, {@code diskBytesSpilled}, {@code peakExecutionMemory}) by
 * {@code io.spillway.metrics.TaskSpillMetrics}, as the reader adds them.
 *
 * <p>Settings are a {@link io.spillway.combine.MergerSettings}, defaults unless
 * {@link io.spillway.rdd.SpillwayPairRDD#withSettings} passes others; nothing here reads
 * {@code SparkConf}.
 */
package io.spillway.rdd;
