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

import io.spillway.sort.CloseableIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import scala.Tuple2;

/**
 * Turns a stream sorted by a key order into one result per distinct key. Records the order calls
 * equal form a group; inside a group, keys are told apart with {@code equals} (a group holds more
 * than one key only when distinct keys share a hash and are not mutually comparable). The first
 * record of a key starts its result, later ones are merged in.
 */
final class SortedGroupIterator<K, C, R> implements CloseableIterator<Tuple2<K, R>> {

  private final CloseableIterator<Tuple2<K, C>> sortedRecords;
  private final Comparator<Object> keyOrder;
  private final Function<C, R> start;
  private final BiFunction<R, C, R> merge;
  private final List<K> groupKeys = new ArrayList<>();
  private final List<R> groupResults = new ArrayList<>();
  private int nextInGroup;
  private Tuple2<K, C> lookahead;

  SortedGroupIterator(
      CloseableIterator<Tuple2<K, C>> sortedRecords,
      Comparator<Object> keyOrder,
      Function<C, R> start,
      BiFunction<R, C, R> merge) {
    this.sortedRecords = sortedRecords;
    this.keyOrder = keyOrder;
    this.start = start;
    this.merge = merge;
  }

  @Override
  public boolean hasNext() {
    if (nextInGroup < groupKeys.size()) {
      return true;
    }
    groupKeys.clear();
    groupResults.clear();
    nextInGroup = 0;
    if (lookahead == null && !sortedRecords.hasNext()) {
      return false;
    }
    Tuple2<K, C> first = lookahead != null ? lookahead : sortedRecords.next();
    lookahead = null;
    add(first);
    while (sortedRecords.hasNext()) {
      Tuple2<K, C> record = sortedRecords.next();
      if (keyOrder.compare(record._1(), first._1()) != 0) {
        lookahead = record;
        break;
      }
      add(record);
    }
    return true;
  }

  private void add(Tuple2<K, C> record) {
    K key = record._1();
    for (int i = 0; i < groupKeys.size(); i++) {
      if (Objects.equals(groupKeys.get(i), key)) {
        groupResults.set(i, merge.apply(groupResults.get(i), record._2()));
        return;
      }
    }
    groupKeys.add(key);
    groupResults.add(start.apply(record._2()));
  }

  @Override
  public Tuple2<K, R> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Tuple2<K, R> result = new Tuple2<>(groupKeys.get(nextInGroup), groupResults.get(nextInGroup));
    nextInGroup++;
    return result;
  }

  @Override
  public void close() {
    groupKeys.clear();
    groupResults.clear();
    lookahead = null;
    sortedRecords.close();
  }
}
