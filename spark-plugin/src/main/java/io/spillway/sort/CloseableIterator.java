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
package io.spillway.sort;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * An iterator that holds files or memory until it is exhausted or closed. {@link #close()} is
 * idempotent and may be called before the end (an abandoned iteration); exhausting the iterator
 * releases what it holds without a call to close.
 */
public interface CloseableIterator<T> extends Iterator<T>, Closeable {

  @Override
  void close();

  /** Wraps an in-memory iterator that holds nothing. */
  static <T> CloseableIterator<T> of(Iterator<T> iterator) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return iterator.hasNext();
      }

      @Override
      public T next() {
        return iterator.next();
      }

      @Override
      public void close() {}
    };
  }

  /** Rethrows a checked I/O failure from inside {@code hasNext}/{@code next}. */
  static UncheckedIOException unchecked(String what, IOException cause) {
    return new UncheckedIOException(what + ": " + cause.getMessage(), cause);
  }
}
