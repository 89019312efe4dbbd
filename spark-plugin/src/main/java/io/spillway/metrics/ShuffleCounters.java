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

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.LongAccumulator;

/**
 * What Spillway decides for one shuffle, as named accumulators, so that it shows where Spark users
 * look: per stage and per task in the web UI, in the event log and in the History Server.
 *
 * <pre>
 *   name (shuffle N)                       per stage  updated by     value
 *   spillway.map.spills                    sum        map tasks      spill files written
 *   spillway.map.mergeRounds               sum        map tasks      merge rounds, final one too
 *   spillway.map.mergeStrategies           counts     map tasks      {strategy=tasks that merged}
 *   spillway.map.mostSpillFilesOpen        max        map tasks      spill files open at once
 *   spillway.map.mergeMillis               sum        map tasks      milliseconds spent merging
 *   spillway.mapCombine.flushes            sum        map combiners  partial combiners flushed
 *   spillway.mapCombine.switchedOff        sum        map combiners  tasks the probe switched off
 *   spillway.reduceCombine.spills          sum        reducers       combiner spill writes
 *   spillway.reduceCombine.recursionDepth  max        reducers       deepest level that spilled
 * </pre>
 *
 * Strategies are named in the configuration's words (transferTo, fileStream, slow, ...).
 *
 * <p>Life cycle: the driver creates and registers them when the shuffle registers ({@link
 * #register}); they travel to executors inside the shuffle handle, which every task that writes
 * or reads the shuffle deserializes, and deserializing an accumulator in a task registers a fresh
 * copy with that task. A task adds its values once, at its end (one-line calls in the writer,
 * the map-side combiner and the reader); Spark sends the copies back with the task's result and
 * merges the successful tasks' values into the driver's. So a value is what the shuffle's
 * successful tasks did, and every stage that writes or reads the shuffle lists all nine (a task
 * reports zeros for what it did not do).
 *
 * <p>The names carry the shuffle id because a stage can read one shuffle and write another.
 * Index cache hits are not here: blocks are served by the executor's block manager outside any
 * task; they are a metrics source ({@link SpillwayPlugin}).
 */
public final class ShuffleCounters implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every counter's name starts with this. */
  public static final String PREFIX = "spillway.";

  public static final String MAP_SPILLS = PREFIX + "map.spills";
  public static final String MAP_MERGE_ROUNDS = PREFIX + "map.mergeRounds";
  public static final String MAP_MERGE_STRATEGIES = PREFIX + "map.mergeStrategies";
  public static final String MAP_MOST_SPILL_FILES_OPEN = PREFIX + "map.mostSpillFilesOpen";
  public static final String MAP_MERGE_MILLIS = PREFIX + "map.mergeMillis";
  public static final String COMBINE_FLUSHES = PREFIX + "mapCombine.flushes";
  public static final String COMBINE_SWITCHED_OFF = PREFIX + "mapCombine.switchedOff";
  public static final String REDUCE_SPILLS = PREFIX + "reduceCombine.spills";
  public static final String REDUCE_RECURSION_DEPTH = PREFIX + "reduceCombine.recursionDepth";

  /** Counters that count nothing: for writers and readers made outside a registered shuffle. */
  public static final ShuffleCounters NONE =
      new ShuffleCounters(null, null, null, null, null, null, null, null, null);

  private final LongAccumulator mapSpills;
  private final LongAccumulator mapMergeRounds;
  private final CountsAccumulator mapMergeStrategies;
  private final MaxAccumulator mapMostSpillFilesOpen;
  private final LongAccumulator mapMergeMillis;
  private final LongAccumulator combineFlushes;
  private final LongAccumulator combineSwitchedOff;
  private final LongAccumulator reduceSpills;
  private final MaxAccumulator reduceRecursionDepth;

  private ShuffleCounters(
      LongAccumulator mapSpills,
      LongAccumulator mapMergeRounds,
      CountsAccumulator mapMergeStrategies,
      MaxAccumulator mapMostSpillFilesOpen,
      LongAccumulator mapMergeMillis,
      LongAccumulator combineFlushes,
      LongAccumulator combineSwitchedOff,
      LongAccumulator reduceSpills,
      MaxAccumulator reduceRecursionDepth) {
    this.mapSpills = mapSpills;
    this.mapMergeRounds = mapMergeRounds;
    this.mapMergeStrategies = mapMergeStrategies;
    this.mapMostSpillFilesOpen = mapMostSpillFilesOpen;
    this.mapMergeMillis = mapMergeMillis;
    this.combineFlushes = combineFlushes;
    this.combineSwitchedOff = combineSwitchedOff;
    this.reduceSpills = reduceSpills;
    this.reduceRecursionDepth = reduceRecursionDepth;
  }

  /** Creates the counters of shuffle {@code shuffleId} on the driver and registers them. */
  public static ShuffleCounters register(SparkContext sc, int shuffleId) {
    ShuffleCounters counters =
        new ShuffleCounters(
            new LongAccumulator(),
            new LongAccumulator(),
            new CountsAccumulator(),
            new MaxAccumulator(),
            new LongAccumulator(),
            new LongAccumulator(),
            new LongAccumulator(),
            new LongAccumulator(),
            new MaxAccumulator());
    List<String> names =
        List.of(
            MAP_SPILLS,
            MAP_MERGE_ROUNDS,
            MAP_MERGE_STRATEGIES,
            MAP_MOST_SPILL_FILES_OPEN,
            MAP_MERGE_MILLIS,
            COMBINE_FLUSHES,
            COMBINE_SWITCHED_OFF,
            REDUCE_SPILLS,
            REDUCE_RECURSION_DEPTH);
    List<AccumulatorV2<?, ?>> accumulators = counters.all();
    for (int i = 0; i < names.size(); i++) {
      sc.register(accumulators.get(i), name(names.get(i), shuffleId));
    }
    return counters;
  }

  /** The accumulator name of {@code counter} for shuffle {@code shuffleId}. */
  public static String name(String counter, int shuffleId) {
    return counter + " (shuffle " + shuffleId + ")";
  }

  /**
   * The counter a name of {@link #name} stands for ({@code spillway.map.spills}), or null when
   * it is not a Spillway counter.
   */
  public static String counterOf(String accumulatorName) {
    if (accumulatorName == null || !accumulatorName.startsWith(PREFIX)) {
      return null;
    }
    int shuffle = accumulatorName.indexOf(" (shuffle ");
    return shuffle < 0 ? accumulatorName : accumulatorName.substring(0, shuffle);
  }

  /** The counters a handle carries, or {@link #NONE}. */
  public static ShuffleCounters of(Object shuffleHandle) {
    return shuffleHandle instanceof CountedShuffle counted ? counted.counters() : NONE;
  }

  /**
   * A map task's output is committed.
   *
   * @param spills spill files the task wrote
   * @param mergeRounds merge rounds (0: nothing merged)
   * @param mergeStrategy the merge's strategy in the configuration's words, or null when
   *     nothing was merged
   * @param mostSpillFilesOpen spill files open at once while merging
   * @param mergeMillis milliseconds the merge took
   */
  public void mapOutputWritten(
      int spills, int mergeRounds, String mergeStrategy, int mostSpillFilesOpen, long mergeMillis) {
    if (!counting()) {
      return;
    }
    mapSpills.add(spills);
    mapMergeRounds.add(mergeRounds);
    if (mergeStrategy != null) {
      mapMergeStrategies.add(mergeStrategy);
    }
    mapMostSpillFilesOpen.add(mostSpillFilesOpen);
    mapMergeMillis.add(mergeMillis);
  }

  /** A map-side combiner is done: its flushes, and whether its probe switched combining off. */
  public void mapSideCombined(long flushes, boolean switchedOff) {
    if (!counting()) {
      return;
    }
    combineFlushes.add(flushes);
    combineSwitchedOff.add(switchedOff ? 1 : 0);
  }

  /** A reduce-side combiner is done: its spill writes and deepest spilling level. */
  public void reduceSideCombined(long spills, int recursionDepth) {
    if (!counting()) {
      return;
    }
    reduceSpills.add(spills);
    reduceRecursionDepth.add(recursionDepth);
  }

  /** False for {@link #NONE} and its deserialized copies. */
  private boolean counting() {
    return mapSpills != null;
  }

  private List<AccumulatorV2<?, ?>> all() {
    return List.of(
        mapSpills,
        mapMergeRounds,
        mapMergeStrategies,
        mapMostSpillFilesOpen,
        mapMergeMillis,
        combineFlushes,
        combineSwitchedOff,
        reduceSpills,
        reduceRecursionDepth);
  }

  /** Where {@link ShuffleCounters#of} finds a shuffle's counters: its handle. */
  public interface CountedShuffle {
    ShuffleCounters counters();
  }
}
