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
package io.spillway.rdd;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Hands a combiner's output to the next stage of the task and runs {@code cleanup} (close the
 * combiner, report its metrics) as soon as the last record has been returned, instead of holding
 * memory and files until the task ends. A failure while reading also runs it, with the cleanup's
 * own failure added as suppressed so the first one is what the task reports.
 */
final class CleanupOnExhaustionIterator<T> implements Iterator<T> {

  private final Iterator<T> delegate;
  private final Runnable cleanup;
  private boolean exhausted;

  CleanupOnExhaustionIterator(Iterator<T> delegate, Runnable cleanup) {
    this.delegate = delegate;
    this.cleanup = cleanup;
  }

  @Override
  public boolean hasNext() {
    if (exhausted) {
      return false;
    }
    boolean more;
    try {
      more = delegate.hasNext();
    } catch (RuntimeException | Error e) {
      exhausted = true;
      runCleanupAfter(e, cleanup);
      throw e;
    }
    if (!more) {
      exhausted = true;
      cleanup.run();
    }
    return more;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return delegate.next();
  }

  /** Runs {@code cleanup} after {@code primary}; a cleanup failure is attached, not thrown. */
  static void runCleanupAfter(Throwable primary, Runnable cleanup) {
    try {
      cleanup.run();
    } catch (RuntimeException | Error e) {
      if (e != primary) {
        primary.addSuppressed(e);
      }
    }
  }
}
