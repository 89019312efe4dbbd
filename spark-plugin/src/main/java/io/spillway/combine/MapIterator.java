package io.spillway.combine;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

import io.spillway.sort.CloseableIterator;
import io.spillway.io.Closeables;
import scala.Tuple2;

/** Yields an in-memory map's entries as pairs and runs {@code onFinish} once at the end or on close. */
final class MapIterator<K, C, R> implements CloseableIterator<Tuple2<K, R>> {

  private Iterator<Map.Entry<K, C>> entries;
  private final Function<C, R> convert;
  private final Closeables.Cleanup onFinish;

  MapIterator(Map<K, C> map, Function<C, R> convert, Closeables.Cleanup onFinish) {
    this.entries = map.entrySet().iterator();
    this.convert = convert;
    this.onFinish = onFinish;
  }

  @Override
  public boolean hasNext() {
    if (entries == null) {
      return false;
    }
    if (entries.hasNext()) {
      return true;
    }
    close();
    return false;
  }

  @Override
  public Tuple2<K, R> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Map.Entry<K, C> entry = entries.next();
    return new Tuple2<>(entry.getKey(), convert.apply(entry.getValue()));
  }

  @Override
  public void close() {
    if (entries != null) {
      entries = null;
      Closeables.runAll(null, onFinish);
    }
  }
}
