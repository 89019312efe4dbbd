package io.spillway.it.suites;

import java.util.List;

import io.spillway.it.ItConfig;
import scala.collection.immutable.Seq;

/**
 * Spark's {@code org.apache.spark.ShuffleSuite} against the manager under test with
 * {@code spark.serializer=KryoSerializer} for the whole suite, so every shuffle that does not set
 * its own serializer goes through Kryo (relocatable: the serialized-sort path where one exists).
 */
public class SpillwayKryoShuffleSuite extends org.apache.spark.ShuffleSuite {

  private static final List<String> EXCLUDED = List.of(
      // This test asserts that sortByKey FAILS because the default JavaSerializer cannot write
      // NonJavaSerializableClass. With Kryo as the suite-wide serializer there is nothing to fail:
      // the expectation is about the serializer setting, not the shuffle manager. Its Kryo
      // counterpart, "sort with Java non serializable class - Kryo", runs here, and the Java case
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
