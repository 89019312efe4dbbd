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

import java.io.IOException;
import java.util.Comparator;

/**
 * K-way merge of sorted record sources: a binary min-heap of source indexes ordered by each
 * source's current key. Ties go to the lower source index, so the merge is stable across sources
 * (runs are numbered in spill order).
 */
final class MergeHeap {

  /** A sorted stream of key/value records. */
  interface Source {
    /** Moves to the next record; false when there is none. */
    boolean advance() throws IOException;

    Object key();

    Object value();
  }

  private final Source[] sources;
  private final Comparator<Object> keyOrder;
  private final int[] heap;
  private int size;

  MergeHeap(Source[] sources, Comparator<Object> keyOrder) throws IOException {
    this.sources = sources;
    this.keyOrder = keyOrder;
    this.heap = new int[sources.length];
    for (int i = 0; i < sources.length; i++) {
      if (sources[i].advance()) {
        heap[size++] = i;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The source holding the smallest current record. */
  Source top() {
    return sources[heap[0]];
  }

  /** Moves the top source past its current record and restores the heap. */
  void advanceTop() throws IOException {
    if (sources[heap[0]].advance()) {
      siftDown(0);
    } else {
      heap[0] = heap[--size];
      if (size > 0) {
        siftDown(0);
      }
    }
  }

  private void siftDown(int position) {
    int sourceIndex = heap[position];
    while (true) {
      int child = 2 * position + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && less(heap[child + 1], heap[child])) {
        child++;
      }
      if (!less(heap[child], sourceIndex)) {
        break;
      }
      heap[position] = heap[child];
      position = child;
    }
    heap[position] = sourceIndex;
  }

  private boolean less(int left, int right) {
    int order = keyOrder.compare(sources[left].key(), sources[right].key());
    return order < 0 || (order == 0 && left < right);
  }
}
