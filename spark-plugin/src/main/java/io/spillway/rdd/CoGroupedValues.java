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

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.Optional;
import scala.Tuple2;

/**
 * One key's values of both sides of a {@code cogroup} or join, as the group-by left them: one
 * re-iterable list of {@link TaggedValue}s that may live mostly on disk. The sides are views
 * that filter the list, and the joins are nested loops over the views, so no side of a key is
 * ever copied into memory: one key may have more values than the task's memory on both sides.
 *
 * <p>Nested loops cost: the outer loop runs over the side with fewer values and re-reads the
 * whole list once per outer value, so a key with {@code l} and {@code r} values reads
 * {@code min(l, r) * (l + r)} values, at most twice the {@code l * r} pairs it emits.
 *
 * <p>Serializable (a {@code cogroup} result may be collected), with the lifetime of the group it
 * wraps; see {@link SpillwayPairRDD#groupByKey}.
 */
final class CoGroupedValues<V, W> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Iterable<TaggedValue> values;
  private long leftCount = -1;
  private long rightCount = -1;

  CoGroupedValues(Iterable<TaggedValue> values) {
    this.values = Objects.requireNonNull(values, "values is null");
  }

  /** The left side's values, in the order they were grouped. */
  Iterable<V> left() {
    return new SideView<>(values, true);
  }

  /** The right side's values, in the order they were grouped. */
  Iterable<W> right() {
    return new SideView<>(values, false);
  }

  Tuple2<Iterable<V>, Iterable<W>> bothSides() {
    return new Tuple2<>(left(), right());
  }

  /** Every (left, right) pair of this key; nothing when a side is empty. */
  Iterator<Tuple2<V, W>> innerPairs() {
    countSides();
    if (leftCount == 0 || rightCount == 0) {
      return java.util.Collections.emptyIterator();
    }
    if (leftCount <= rightCount) {
      return new NestedLoop<V, W, Tuple2<V, W>>(left(), right(), Tuple2::new);
    }
    return new NestedLoop<W, V, Tuple2<V, W>>(right(), left(), (w, v) -> new Tuple2<>(v, w));
  }

  /** {@link #innerPairs()}, or every left value with no right one when the right side is empty. */
  Iterator<Tuple2<V, Optional<W>>> leftOuterPairs() {
    countSides();
    if (rightCount == 0) {
      return map(left().iterator(), v -> new Tuple2<>(v, Optional.<W>empty()));
    }
    return map(innerPairs(), pair -> new Tuple2<>(pair._1(), Optional.of(pair._2())));
  }

  /** {@link #innerPairs()}, or every right value with no left one when the left side is empty. */
  Iterator<Tuple2<Optional<V>, W>> rightOuterPairs() {
    countSides();
    if (leftCount == 0) {
      return map(right().iterator(), w -> new Tuple2<>(Optional.<V>empty(), w));
    }
    return map(innerPairs(), pair -> new Tuple2<>(Optional.of(pair._1()), pair._2()));
  }

  /** {@link #innerPairs()}, or the one side there is, paired with nothing. */
  Iterator<Tuple2<Optional<V>, Optional<W>>> fullOuterPairs() {
    countSides();
    if (leftCount == 0) {
      return map(right().iterator(), w -> new Tuple2<>(Optional.<V>empty(), Optional.of(w)));
    }
    if (rightCount == 0) {
      return map(left().iterator(), v -> new Tuple2<>(Optional.of(v), Optional.<W>empty()));
    }
    return map(innerPairs(), pair -> new Tuple2<>(Optional.of(pair._1()), Optional.of(pair._2())));
  }

  /** One pass over the list; the joins need the counts to choose the outer side. */
  private void countSides() {
    if (leftCount >= 0) {
      return;
    }
    long left = 0;
    long right = 0;
    for (TaggedValue value : values) {
      if (value.fromLeft) {
        left++;
      } else {
        right++;
      }
    }
    leftCount = left;
    rightCount = right;
  }

  private static <A, B> Iterator<B> map(
      Iterator<A> source, java.util.function.Function<A, B> function) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public B next() {
        return function.apply(source.next());
      }
    };
  }

  /** The values of one side, filtered from the shared list on every iteration. */
  private static final class SideView<T> implements Iterable<T>, Serializable {
    private static final long serialVersionUID = 1L;

    private final Iterable<TaggedValue> values;
    private final boolean left;

    SideView(Iterable<TaggedValue> values, boolean left) {
      this.values = values;
      this.left = left;
    }

    @Override
    public Iterator<T> iterator() {
      Iterator<TaggedValue> all = values.iterator();
      return new Iterator<>() {
        private TaggedValue next;

        @Override
        public boolean hasNext() {
          while (next == null && all.hasNext()) {
            TaggedValue candidate = all.next();
            if (candidate.fromLeft == left) {
              next = candidate;
            }
          }
          return next != null;
        }

        @SuppressWarnings("unchecked")
        @Override
        public T next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          T value = (T) next.value;
          next = null;
          return value;
        }
      };
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder("[");
      for (T value : this) {
        text.append(text.length() > 1 ? ", " : "").append(value);
      }
      return text.append(']').toString();
    }
  }

  /** Each outer value with every inner value, reading the inner side again per outer value. */
  private static final class NestedLoop<O, I, R> implements Iterator<R> {
    private final Iterator<O> outer;
    private final Iterable<I> innerSide;
    private final java.util.function.BiFunction<O, I, R> pair;
    private Iterator<I> inner = java.util.Collections.emptyIterator();
    private O current;

    NestedLoop(
        Iterable<O> outerSide, Iterable<I> innerSide, java.util.function.BiFunction<O, I, R> pair) {
      this.outer = outerSide.iterator();
      this.innerSide = innerSide;
      this.pair = pair;
    }

    @Override
    public boolean hasNext() {
      while (!inner.hasNext()) {
        if (!outer.hasNext()) {
          return false;
        }
        current = outer.next();
        inner = innerSide.iterator();
      }
      return true;
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pair.apply(current, inner.next());
    }
  }
}
