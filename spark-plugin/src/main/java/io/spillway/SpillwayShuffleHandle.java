package io.spillway;

import org.apache.spark.ShuffleDependency;
import org.apache.spark.shuffle.BaseShuffleHandle;

/**
 * The handle Spillway gives the scheduler for one shuffle. It travels to executors inside the
 * task binary, so it is serializable and carries the write path chosen on the driver.
 */
public final class SpillwayShuffleHandle<K, V, C> extends BaseShuffleHandle<K, V, C> {
  private static final long serialVersionUID = 1L;

  private final WritePath writePath;

  public SpillwayShuffleHandle(int shuffleId, ShuffleDependency<K, V, C> dependency,
      WritePath writePath) {
    super(shuffleId, dependency);
    this.writePath = writePath;
  }

  public WritePath writePath() {
    return writePath;
  }

  @Override
  public String toString() {
    return "SpillwayShuffleHandle(shuffle " + shuffleId() + ", " + writePath + ")";
  }
}
