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
package io.spillway.combine;

import io.spillway.io.Closeables;
import io.spillway.sort.CloseableIterator;
import java.io.IOException;
import java.util.NoSuchElementException;

/**
 * Yields the results of partitions {@code 0..n-1} in order, opening each only when the previous
 * one is exhausted, so at most one partition's data is in memory (or open on disk) at a time.
 * When the last partition ends, or on {@link #close()}, or when opening or reading fails, the
 * current partition is closed and {@code onFinish} runs exactly once.
 */
final class PartitionByPartitionIterator<T> implements CloseableIterator<T> {

  @FunctionalInterface
  interface PartitionOpener<T> {
    /** The partition's results, or null when the partition is empty. */
    CloseableIterator<T> open(int partition) throws IOException;
  }

  private final int numPartitions;
  private final PartitionOpener<T> opener;
  private final Closeables.Cleanup onFinish;
  private int nextPartition;
  private CloseableIterator<T> current;
  private boolean finished;

  PartitionByPartitionIterator(
      int numPartitions, PartitionOpener<T> opener, Closeables.Cleanup onFinish) {
    this.numPartitions = numPartitions;
    this.opener = opener;
    this.onFinish = onFinish;
  }

  @Override
  public boolean hasNext() {
    try {
      while (!finished) {
        if (current != null) {
          if (current.hasNext()) {
            return true;
          }
          current.close();
          current = null;
        }
        if (nextPartition >= numPartitions) {
          close();
          return false;
        }
        current = opener.open(nextPartition++);
      }
      return false;
    } catch (IOException e) {
      Closeables.runAll(e, this::close);
      throw CloseableIterator.unchecked(
          "merging spilled partition " + (nextPartition - 1) + " failed", e);
    } catch (RuntimeException | Error e) {
      Closeables.runAll(e, this::close);
      throw e;
    }
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    CloseableIterator<T> open = current;
    current = null;
    Closeables.runAll(null, open == null ? null : open::close, onFinish);
  }
}
