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

/**
 * A value of a {@code cogroup} or join with the side it came from: both inputs go through one
 * shuffle and one group-by, so each key's values of both sides end up in one spilling list.
 * Serialized as {@code [fromLeft: boolean][value]} by Java serialization and by Kryo's field
 * serializer alike.
 */
final class TaggedValue implements Serializable {

  private static final long serialVersionUID = 1L;

  final boolean fromLeft;
  final Object value;

  private TaggedValue(boolean fromLeft, Object value) {
    this.fromLeft = fromLeft;
    this.value = value;
  }

  static TaggedValue left(Object value) {
    return new TaggedValue(true, value);
  }

  static TaggedValue right(Object value) {
    return new TaggedValue(false, value);
  }

  @Override
  public String toString() {
    return (fromLeft ? "left(" : "right(") + value + ")";
  }
}
