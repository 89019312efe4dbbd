package io.spillway.it.suites;

import java.util.List;

import io.spillway.it.ItConfig;
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
