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
 * Spark's own {@code org.apache.spark.ShuffleSuite} (20 tests, local and local-cluster[2,1,1024])
 * against the manager under test, with the suite's default serializer (JavaSerializer, except where
 * a test sets Kryo itself).
 *
 * <p>ShuffleSuite builds its conf with {@code loadDefaults=false}, so {@code -Dspark.shuffle.manager}
 * does not reach it; the manager is set on {@code conf()} in {@link #beforeAll()}.
 */
public class SpillwayShuffleSuite extends org.apache.spark.ShuffleSuite {

  /** No test is excluded. Any entry needs a comment that says why, test by test. */
  private static final List<String> EXCLUDED = List.of();

  @Override
  public Seq<String> excluded() {
    return SuiteSupport.excluded(EXCLUDED);
  }

  @Override
  public void beforeAll() {
    super.beforeAll();
    ItConfig.useManagerUnderTest(conf());
  }
}
