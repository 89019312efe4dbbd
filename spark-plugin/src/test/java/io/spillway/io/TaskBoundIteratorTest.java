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
package io.spillway.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.metrics.TaskSpillMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext$;
import org.apache.spark.TaskContextImpl;
import org.junit.jupiter.api.Test;
import scala.Option;

/** The task-bound output: released exactly once, at the first of its four occasions. */
class TaskBoundIteratorTest {

  private final TaskContextImpl task = TaskContext$.MODULE$.empty();
  private final List<String> releases = new ArrayList<>();

  private void succeedTask() {
    task.markTaskCompleted(Option.empty());
  }

  private void failTask() {
    RuntimeException cause = new RuntimeException("task failed");
    task.markTaskFailed(cause);
    task.markTaskCompleted(Option.apply(cause));
  }

  private static <T> List<T> drain(Iterator<T> iterator) {
    List<T> out = new ArrayList<>();
    iterator.forEachRemaining(out::add);
    return out;
  }

  @Test
  void releasedOnceAtExhaustionAndNotAgainAtTaskEnd() throws IOException {
    Iterator<Integer> output =
        TaskBoundIterator.untilExhausted(
            task, () -> List.of(1, 2, 3).iterator(), () -> releases.add("released"));
    assertEquals(List.of(1, 2, 3), drain(output));
    assertEquals(List.of("released"), releases);
    assertFalse(output.hasNext());
    assertThrows(NoSuchElementException.class, output::next);
    succeedTask();
    assertEquals(List.of("released"), releases);
  }

  @Test
  void releasedAtTaskEndWhenTheConsumerStopsEarly() throws IOException {
    Iterator<Integer> output =
        TaskBoundIterator.untilExhausted(
            task, () -> List.of(1, 2, 3).iterator(), () -> releases.add("released"));
    assertEquals(1, output.next());
    assertTrue(releases.isEmpty());
    succeedTask();
    assertEquals(List.of("released"), releases);
  }

  @Test
  void aFailedOpenReleasesAtOnceAndRethrowsWithTheReleaseFailureAttached() {
    IOException feedFailure = new IOException("feed failed");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                TaskBoundIterator.untilExhausted(
                    task,
                    () -> {
                      throw feedFailure;
                    },
                    () -> {
                      releases.add("released");
                      throw new IllegalStateException("release failed too");
                    }));
    assertSame(feedFailure, thrown);
    assertEquals("release failed too", thrown.getSuppressed()[0].getMessage());
    failTask();
    assertEquals(List.of("released"), releases);
  }

  @Test
  void aFailedReadReleasesAtOnce() throws IOException {
    Iterator<Integer> failing =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            throw new IllegalStateException("read failed");
          }

          @Override
          public Integer next() {
            throw new AssertionError();
          }
        };
    Iterator<Integer> output =
        TaskBoundIterator.untilExhausted(task, () -> failing, () -> releases.add("released"));
    assertThrows(IllegalStateException.class, output::hasNext);
    assertEquals(List.of("released"), releases);
    failTask();
    assertEquals(List.of("released"), releases);
  }

  @Test
  void untilTaskEndKeepsTheOutputAfterExhaustionAndTellsTheOutcome() throws IOException {
    Iterator<Integer> output =
        TaskBoundIterator.untilTaskEnd(
            task,
            () -> List.of(1, 2).iterator(),
            failed -> releases.add(failed ? "failed" : "succeeded"));
    assertEquals(List.of(1, 2), drain(output));
    assertTrue(releases.isEmpty(), "exhaustion does not release");
    succeedTask();
    assertEquals(List.of("succeeded"), releases);
  }

  @Test
  void untilTaskEndReleasesAsFailedWhenTheTaskFails() throws IOException {
    TaskBoundIterator.untilTaskEnd(
        task,
        () -> List.of(1, 2).iterator(),
        failed -> releases.add(failed ? "failed" : "succeeded"));
    failTask();
    assertEquals(List.of("failed"), releases);
  }

  @Test
  void untilTaskEndReleasesAsFailedWhenOpeningFails() {
    assertThrows(
        IllegalStateException.class,
        () ->
            TaskBoundIterator.untilTaskEnd(
                task,
                () -> {
                  throw new IllegalStateException("feed failed");
                },
                failed -> releases.add(failed ? "failed" : "succeeded")));
    assertEquals(List.of("failed"), releases);
    succeedTask();
    assertEquals(List.of("failed"), releases);
  }

  @Test
  void spillMetricsAddUp() {
    TaskSpillMetrics.add(task, 100, 40, 300);
    TaskSpillMetrics.add(task, 10, 4, 30);
    assertEquals(110, task.taskMetrics().memoryBytesSpilled());
    assertEquals(44, task.taskMetrics().diskBytesSpilled());
    assertEquals(330, task.taskMetrics().peakExecutionMemory());
  }
}
