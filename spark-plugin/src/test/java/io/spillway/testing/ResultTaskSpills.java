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
package io.spillway.testing;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** The disk bytes the result tasks of a context spilled (a reducer's spills, say), as reported. */
public final class ResultTaskSpills extends SparkListener {
  private final AtomicLong diskBytesSpilled = new AtomicLong();

  /** A listener registered with {@code sc}. */
  public static ResultTaskSpills listenTo(JavaSparkContext sc) {
    ResultTaskSpills spills = new ResultTaskSpills();
    sc.sc().addSparkListener(spills);
    return spills;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if ("ResultTask".equals(taskEnd.taskType()) && taskEnd.taskMetrics() != null) {
      diskBytesSpilled.addAndGet(taskEnd.taskMetrics().diskBytesSpilled());
    }
  }

  /** Bytes spilled since the start or the last {@link #reset()}; wait for the listener bus first. */
  public long diskBytesSpilled() {
    return diskBytesSpilled.get();
  }

  public void reset() {
    diskBytesSpilled.set(0);
  }
}
