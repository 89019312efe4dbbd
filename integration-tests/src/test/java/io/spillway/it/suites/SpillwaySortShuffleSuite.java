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
 * Spark's {@code org.apache.spark.SortShuffleSuite}: all of ShuffleSuite again plus two tests that
 * run a shuffle and expect exactly {@code shuffle_0_0_0.data}, {@code .index} and
 * {@code .checksum.<algorithm>} under the local dir, then expect all three deleted by
 * {@code removeShuffle}. Spillway keeps Spark's on-disk format (DESIGN.md, decision 1), so these
 * hold for it too.
 *
 * <p>SortShuffleSuite's own {@code beforeAll} sets the manager to "sort"; ours is set after it.
 *
 * <p>There is deliberately no Kryo variant of this suite: its two own tests set their serializer
 * explicitly on the ShuffledRDD (one Kryo, one JavaSerializer), so a suite-wide
 * {@code spark.serializer} does not change them, and the inherited tests with Kryo are exactly
 * {@link SpillwayKryoShuffleSuite}.
 */
public class SpillwaySortShuffleSuite extends org.apache.spark.SortShuffleSuite {

  /** No test is excluded. Any entry needs a comment that says why, test by test. */
  private static final List<String> EXCLUDED = List.of();

  @Override
  public Seq<String> excluded() {
    return SuiteSupport.excluded(EXCLUDED);
  }

  @Override
  public void beforeAll() {
    super.beforeAll(); // sets spark.shuffle.manager=sort
    ItConfig.useManagerUnderTest(conf());
  }
}
