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
