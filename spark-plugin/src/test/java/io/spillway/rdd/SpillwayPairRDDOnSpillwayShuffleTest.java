package io.spillway.rdd;

import io.spillway.SpillwayShuffleManager;

/** The RDD API under Spillway's shuffle manager. */
class SpillwayPairRDDOnSpillwayShuffleTest extends SpillwayPairRDDTestBase {
  @Override
  String shuffleManager() {
    return SpillwayShuffleManager.class.getName();
  }

  /** Spillway's writer needs one 1 MiB page per map task; 4 MiB leaves it too little. */
  @Override
  int testMemoryMiB() {
    return 8;
  }
}
