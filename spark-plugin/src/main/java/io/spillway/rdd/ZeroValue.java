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
import java.nio.ByteBuffer;
import org.apache.spark.SparkEnv;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The zero value of {@code aggregateByKey}/{@code foldByKey}, serialized once on the driver with
 * the job's serializer and deserialized once per key inside the task, as Spark does: the
 * functions may mutate their first argument, so keys must never share one zero object.
 */
final class ZeroValue<U> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final byte[] serializedZero;

  /** One per task: the task deserializes its own copy of this object with its closure. */
  private transient SerializerInstance serializer;

  private ZeroValue(byte[] serializedZero) {
    this.serializedZero = serializedZero;
  }

  static <U> ZeroValue<U> capture(U zeroValue) {
    SerializerInstance serializer = requireEnv().serializer().newInstance();
    ByteBuffer buffer = serializer.serialize(zeroValue, ClassTags.<U>anyRef());
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return new ZeroValue<>(bytes);
  }

  /** A fresh, unshared copy of the zero value. */
  U copy() {
    if (serializer == null) {
      serializer = requireEnv().serializer().newInstance();
    }
    return serializer.deserialize(ByteBuffer.wrap(serializedZero), ClassTags.<U>anyRef());
  }

  private static SparkEnv requireEnv() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException(
          "the zero value is serialized with SparkEnv's serializer, but SparkEnv.get() is null;"
              + " create the SparkContext first");
    }
    return env;
  }

  /** Erased class tags, as Spark's Java API uses for type parameters it cannot see. */
  static final class ClassTags {
    private ClassTags() {}

    @SuppressWarnings("unchecked")
    static <T> ClassTag<T> anyRef() {
      return (ClassTag<T>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
    }
  }
}
