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

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The output of a structure a task owns (a merger, a group-by, a sorter), bound to the task: its
 * {@link Release} runs exactly once, at the first of
 *
 * <ul>
 *   <li>opening the output fails (the failure is rethrown, a release failure attached to it);
 *   <li>the output is exhausted, or reading it fails (unless the output stays readable after
 *       exhaustion, see {@link #untilTaskEnd});
 *   <li>the task completes: success, failure or kill, so a consumer that stops early ({@code
 *       take}) still returns the memory and files.
 * </ul>
 *
 * <p>Everything runs on the task thread (Spark runs completion listeners there), so a plain flag
 * guards the once.
 */
public final class TaskBoundIterator<T> implements Iterator<T> {

  /** Opens the output: feeds the structure and asks for its results. */
  @FunctionalInterface
  public interface Source<T> {
    Iterator<T> open() throws IOException;
  }

  /** Releases the structure's memory and files (and reports its metrics). */
  @FunctionalInterface
  public interface Release {
    /**
     * @param failed opening or reading the output failed, or the task failed or was killed; false
     *     at exhaustion and when the task succeeded
     */
    void run(boolean failed) throws Exception;
  }

  private final Release release;
  private final boolean releaseAtExhaustion;
  private Iterator<T> source;
  private boolean released;

  private TaskBoundIterator(TaskContext task, Release release, boolean releaseAtExhaustion) {
    this.release = Objects.requireNonNull(release, "release is null");
    this.releaseAtExhaustion = releaseAtExhaustion;
    Objects.requireNonNull(task, "task is null");
    // The cast picks TaskContext's Java listener overload over the Scala-function one.
    task.addTaskCompletionListener(
        (TaskCompletionListener)
            completed -> release(null, completed.isFailed() || completed.isInterrupted()));
  }

  /** {@code open}'s output; {@code release} runs at exhaustion, on a failure or at task end. */
  public static <T> Iterator<T> untilExhausted(
      TaskContext task, Source<T> open, Closeables.Cleanup release) throws IOException {
    Objects.requireNonNull(release, "release is null");
    return new TaskBoundIterator<T>(task, failed -> release.run(), true).open(open);
  }

  /**
   * {@code open}'s output, for results that stay readable after the output is exhausted (the
   * group-by's lists, which the rest of the task may iterate or serialize): {@code release} runs
   * when opening fails or at task end, and is told which.
   */
  public static <T> Iterator<T> untilTaskEnd(TaskContext task, Source<T> open, Release release)
      throws IOException {
    return new TaskBoundIterator<T>(task, release, false).open(open);
  }

  private Iterator<T> open(Source<T> open) throws IOException {
    try {
      source = Objects.requireNonNull(open.open(), "the output is null");
      return this;
    } catch (IOException | RuntimeException | Error e) {
      release(e, true);
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    if (released && releaseAtExhaustion) {
      return false;
    }
    boolean more;
    try {
      more = source.hasNext();
    } catch (RuntimeException | Error e) {
      if (releaseAtExhaustion) {
        release(e, true);
      }
      throw e;
    }
    if (!more && releaseAtExhaustion) {
      release(null, false);
    }
    return more;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return source.next();
  }

  /** Runs the release unless it ran; {@code primary}, when not null, is a failure in flight. */
  private void release(Throwable primary, boolean failed) {
    if (released) {
      return;
    }
    released = true;
    Closeables.runAll(primary, () -> release.run(failed));
  }
}
