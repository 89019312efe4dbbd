package io.spillway.rdd;

/** The RDD API under Spark's built-in sort shuffle: it must not need Spillway's manager. */
class SpillwayPairRDDOnSparkSortShuffleTest extends SpillwayPairRDDTestBase {
  @Override
  String shuffleManager() {
    return "sort";
  }

  @Override
  int testMemoryMiB() {
    return 4;
  }
}
