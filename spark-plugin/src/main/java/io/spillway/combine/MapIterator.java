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
import java.util.NoSuchElementException;
import java.util.function.Function;
import scala.Tuple2;

/**
 * Yields an in-memory {@link CombinerMap}'s entries as pairs, slot by slot, and runs {@code
 * onFinish} once at the end or on close.
 */
final class MapIterator<K, C, R> implements CloseableIterator<Tuple2<K, R>> {

  private CombinerMap map;
  private int slot;
  private final Function<C, R> convert;
  private final Closeables.Cleanup onFinish;

  MapIterator(CombinerMap map, Function<C, R> convert, Closeables.Cleanup onFinish) {
    this.map = map;
    this.slot = map.nextSlot(0);
    this.convert = convert;
    this.onFinish = onFinish;
  }

  @Override
  public boolean hasNext() {
    if (map == null) {
      return false;
    }
    if (slot >= 0) {
      return true;
    }
    close();
    return false;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Tuple2<K, R> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int current = slot;
    slot = map.nextSlot(current + 1);
    return new Tuple2<>((K) map.keyAt(current), convert.apply((C) map.valueAt(current)));
  }

  @Override
  public void close() {
    if (map != null) {
      map = null;
      Closeables.runAll(null, onFinish);
    }
  }
}
