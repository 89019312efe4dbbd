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
package io.spillway.read;

import io.spillway.io.Closeables;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import scala.collection.AbstractIterator;

/**
 * A Scala view of a Java iterator whose owner (a merger, group-by or sorter) holds memory and
 * files: {@code finish} runs exactly once, when the iterator is exhausted or when the task
 * completes, whichever comes first (a consumer may stop early, as {@code take} does, or fail).
 */
final class FinishingIterator<T> extends AbstractIterator<T> {
  private final Iterator<T> source;
  private final Closeables.Cleanup finish;
  private boolean finished;

  FinishingIterator(Iterator<T> source, Closeables.Cleanup finish, TaskContext context) {
    this.source = source;
    this.finish = finish;
    context.addTaskCompletionListener((TaskCompletionListener) completed -> finish());
  }

  @Override
  public boolean hasNext() {
    if (finished) {
      return false;
    }
    boolean more;
    try {
      more = source.hasNext();
    } catch (RuntimeException | Error e) {
      if (!finished) {
        finished = true;
        Closeables.runAll(e, finish);
      }
      throw e;
    }
    if (!more) {
      finish();
    }
    return more;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No more aggregated or sorted records");
    }
    return source.next();
  }

  private void finish() {
    if (!finished) {
      finished = true;
      Closeables.runAll(null, finish);
    }
  }
}
