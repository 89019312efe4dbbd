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
