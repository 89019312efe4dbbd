package io.spillway.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.rdd.RDD;
import scala.jdk.javaapi.CollectionConverters;

/** Finds the shuffle an RDD operation created, without running a job. */
final class SparkRdds {
  private SparkRdds() {}

  /** The nearest {@link ShuffleDependency} in {@code rdd}'s lineage, breadth first. */
  static ShuffleDependency<?, ?, ?> shuffleOf(RDD<?> rdd) {
    Deque<RDD<?>> pending = new ArrayDeque<>();
    pending.add(rdd);
    while (!pending.isEmpty()) {
      RDD<?> next = pending.poll();
      for (Dependency<?> dependency : CollectionConverters.asJava(next.dependencies())) {
        if (dependency instanceof ShuffleDependency<?, ?, ?> shuffle) {
          return shuffle;
        }
        pending.add(dependency.rdd());
      }
    }
    throw new AssertionError("no shuffle in the lineage of " + rdd.toDebugString());
  }
}
