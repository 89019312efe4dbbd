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

import java.io.Serializable;
import java.util.Comparator;

/**
 * The seeded key hash that spreads keys over spill partitions, and the total order the sort
 * fallback uses. Each recursion level hashes with its own seed, so keys that shared a partition
 * at one level split at the next; keys whose {@code hashCode()} values are equal never split,
 * which is why the recursion is capped and ends in a sort. A null key hashes like 0.
 */
final class KeyHashing {

  private KeyHashing() {}

  /** Seed of recursion level {@code level} (1 = the first spill). */
  static int seedForLevel(long baseSeed, int level) {
    return mix((int) (baseSeed ^ (baseSeed >>> 32)) + level * 0x9E3779B9);
  }

  static int hash(Object key, int seed) {
    return mix((key == null ? 0 : key.hashCode()) ^ seed);
  }

  static int partition(Object key, int seed, int numPartitions) {
    return partitionOfHashCode(key == null ? 0 : key.hashCode(), seed, numPartitions);
  }

  /** {@link #partition} from the key's {@code hashCode()} (0 for null), computed by the caller. */
  static int partitionOfHashCode(int keyHashCode, int seed, int numPartitions) {
    return (int) ((mix(keyHashCode ^ seed) & 0xFFFF_FFFFL) % numPartitions);
  }

  /** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * Orders keys by seeded hash, then by class name, then by {@code compareTo} when the class is
   * {@link Comparable}; other keys with equal hash and class compare as equal, and the consumer
   * separates them with {@code equals} (as Spark's {@code ExternalAppendOnlyMap} does). The class
   * step keeps the order transitive when Comparable and non-Comparable keys share a hash.
   */
  static final class HashThenKeyOrder implements Comparator<Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int seed;

    HashThenKeyOrder(int seed) {
      this.seed = seed;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public int compare(Object left, Object right) {
      int order = Integer.compare(hash(left, seed), hash(right, seed));
      if (order != 0 || left == right) {
        return order;
      }
      if (left == null || right == null) {
        return left == null ? -1 : 1;
      }
      Class<?> leftClass = left.getClass();
      Class<?> rightClass = right.getClass();
      if (leftClass != rightClass) {
        return leftClass.getName().compareTo(rightClass.getName());
      }
      return left instanceof Comparable comparable ? comparable.compareTo(right) : 0;
    }
  }
}
