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
