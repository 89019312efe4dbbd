package io.spillway.combine;

import java.io.Serializable;

/** A key whose hash code is the same for every instance, so hash partitioning can never split them. */
final class CollidingKey implements Comparable<CollidingKey>, Serializable {
  private static final long serialVersionUID = 1L;
  final int id;

  CollidingKey(int id) {
    this.id = id;
  }

  @Override
  public int hashCode() {
    return 42;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CollidingKey key && key.id == id;
  }

  @Override
  public int compareTo(CollidingKey other) {
    return Integer.compare(id, other.id);
  }

  @Override
  public String toString() {
    return "CollidingKey(" + id + ")";
  }
}
