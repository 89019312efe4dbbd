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
package io.spillway.it.suites;

import io.spillway.it.ItConfig;
import java.util.List;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code org.apache.spark.ShuffleSuite} against the manager under test with
 * {@code spark.serializer=KryoSerializer} for the whole suite, so every shuffle that does not set
 * its own serializer goes through Kryo (relocatable: the serialized-sort path where one exists).
 */
public class SpillwayKryoShuffleSuite extends org.apache.spark.ShuffleSuite {

  private static final List<String> EXCLUDED =
      List.of(
          // This test asserts that sortByKey FAILS because the default JavaSerializer cannot write
          // NonJavaSerializableClass. With Kryo as the suite-wide serializer there is nothing to
          // fail:
          // the expectation is about the serializer setting, not the shuffle manager. Its Kryo
          // counterpart, "sort with Java non serializable class - Kryo", runs here, and the Java
          // case
          // runs in SpillwayShuffleSuite.
          "sort with Java non serializable class - Java");

  @Override
  public Seq<String> excluded() {
    return SuiteSupport.excluded(EXCLUDED);
  }

  @Override
  public void beforeAll() {
    super.beforeAll();
    ItConfig.useManagerUnderTest(conf());
    conf().set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
  }
}
