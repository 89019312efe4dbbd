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

import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Helpers for the Java subclasses of Spark's ScalaTest suites. */
final class SuiteSupport {
  private SuiteSupport() {}

  /**
   * Converts test names for {@code SparkFunSuite.excluded()}. That hook is called from the
   * superclass constructor while tests are registered, before any field of the Java subclass is
   * set, so callers must pass static data.
   */
  static Seq<String> excluded(List<String> testNames) {
    return CollectionConverters.asScala(testNames).toList();
  }
}
