package io.spillway;

import io.spillway.metrics.ShuffleCounters;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.shuffle.BaseShuffleHandle;

/**
 * The handle Spillway gives the scheduler for one shuffle. It travels to executors inside the
 * task binary, so it is serializable and carries the write path chosen on the driver and the
 * shuffle's counters (accumulators the driver registered: {@link ShuffleCounters}).
 */
public final class SpillwayShuffleHandle<K, V, C> extends BaseShuffleHandle<K, V, C>
    implements ShuffleCounters.CountedShuffle {
  private static final long serialVersionUID = 1L;

  private final WritePath writePath;
  private final ShuffleCounters counters;

  public SpillwayShuffleHandle(int shuffleId, ShuffleDependency<K, V, C> dependency,
      WritePath writePath, ShuffleCounters counters) {
    super(shuffleId, dependency);
    this.writePath = writePath;
    this.counters = counters;
  }

  @Override
  public ShuffleCounters counters() {
    return counters;
  }

  public WritePath writePath() {
    return writePath;
  }

  @Override
  public String toString() {
    return "SpillwayShuffleHandle(shuffle " + shuffleId() + ", " + writePath + ")";
  }
}
