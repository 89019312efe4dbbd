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
package io.spillway;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Map;
import java.util.Set;

/**
 * The package rules of {@code docs/architecture.md}, checked with ArchUnit on the compiled main
 * classes (every reference in the byte code counts: fully qualified names, static members,
 * signatures, the root package). Each rule names its allowed set and its documented exceptions
 * here; an exception is a pair (Spillway class, Spark class) with the reason it is there.
 */
@AnalyzeClasses(packages = "io.spillway", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

  private static final String ROOT = "io.spillway";

  // ---- 1. no cycles -------------------------------------------------------------------------

  /** Every package is a slice, the root package included. */
  private static final SliceAssignment EVERY_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          return name.equals(ROOT) || name.startsWith(ROOT + ".")
              ? SliceIdentifier.of(name)
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "every Spillway package";
        }
      };

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles();

  // ---- 2. layers ----------------------------------------------------------------------------

  @ArchTest static final ArchRule configIsALeaf = leaf("config");

  @ArchTest static final ArchRule memoryIsALeaf = leaf("memory");

  @ArchTest static final ArchRule ioIsALeaf = leaf("io");

  @ArchTest static final ArchRule metricsIsALeaf = leaf("metrics");

  @ArchTest
  static final ArchRule sparkBridgeUsesOnlyLeaves =
      classes()
          .that()
          .resideInAPackage(ROOT + ".spark..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfSpillway()
                  .or(
                      resideInAnyPackage(
                          ROOT + ".spark..",
                          ROOT + ".config..",
                          ROOT + ".io..",
                          ROOT + ".metrics..")))
          .because(
              "the bridge is below everything that uses it (the index cache reports to metrics)");

  @ArchTest
  static final ArchRule spillUsesOnlyTheHelpersAndTheBridge =
      classes()
          .that()
          .resideInAPackage(ROOT + ".spill..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfSpillway()
                  .or(resideInAnyPackage(ROOT + ".spill..", ROOT + ".io..", ROOT + ".spark..")))
          .because(
              "spill files are below both sides that write them (the bridge gives the local"
                  + " directories)");

  @ArchTest static final ArchRule writeDoesNotUseRead = doesNotUse("write", "read");

  @ArchTest static final ArchRule readDoesNotUseWrite = doesNotUse("read", "write");

  @ArchTest static final ArchRule combineUsesNeitherSide = doesNotUse("combine", "write", "read");

  @ArchTest
  static final ArchRule sortUsesNeitherSideNorTheCombiners =
      doesNotUse("sort", "write", "read", "combine");

  @ArchTest
  static final ArchRule onlyTheRddApiUsesItself =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + ".rdd..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".rdd..")
          .because("the RDD API is a user of the combiners, not a part of the shuffle");

  private static ArchRule leaf(String name) {
    String own = ROOT + "." + name + "..";
    return noClasses()
        .that()
        .resideInAPackage(own)
        .should()
        .dependOnClassesThat(
            resideInAPackage(ROOT + "..").and(DescribedPredicate.not(resideInAPackage(own))))
        .because(name + " is a leaf: it uses nothing else of Spillway");
  }

  private static ArchRule doesNotUse(String user, String... used) {
    String[] packages = new String[used.length];
    for (int i = 0; i < used.length; i++) {
      packages[i] = ROOT + "." + used[i] + "..";
    }
    return noClasses()
        .that()
        .resideInAPackage(ROOT + "." + user + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages);
  }

  private static DescribedPredicate<JavaClass> resideOutsideOfSpillway() {
    return DescribedPredicate.not(resideInAPackage(ROOT + ".."));
  }

  // ---- 3. Spark's shuffle interfaces ----------------------------------------------------------

  /**
   * Spark's shuffle interfaces: the types through which Spark drives a shuffle implementation and
   * through which it writes and reads shuffle files. {@code ShuffleManager}, {@code
   * ShuffleHandle}, {@code BaseShuffleHandle}, {@code ShuffleWriter}, {@code ShuffleReader}, the
   * read and write metrics reporters, the block resolvers, {@code SortShuffleManager}, the shuffle
   * IO API ({@code shuffle.api}: executor components, map output and partition writers) and the
   * row-based checksums ({@code shuffle.checksum}) are all in {@code org.apache.spark.shuffle};
   * the block fetcher a reader runs is {@code storage.ShuffleBlockFetcherIterator}.
   */
  static final DescribedPredicate<JavaClass> SHUFFLE_INTERFACES =
      resideInAPackage("org.apache.spark.shuffle..")
          .or(JavaClass.Predicates.type(org.apache.spark.storage.ShuffleBlockFetcherIterator.class))
          .as(
              "Spark's shuffle interfaces (org.apache.spark.shuffle.., ShuffleBlockFetcherIterator)");

  /**
   * Who may touch them: the manager, its handle and the map-side combining writer (the root
   * package), the writer and its buffers ({@code io.spillway.write}, not its subpackages), the
   * reader ({@code io.spillway.read}) and the Spark bridge. The cores (combine, sort, write.sort,
   * write.merge, spill, memory, io) stay testable without a shuffle manager.
   */
  static final Set<String> SHUFFLE_INTERFACE_USERS =
      Set.of(ROOT, ROOT + ".write", ROOT + ".read", ROOT + ".spark");

  /**
   * Documented exceptions, Spillway class to the Spark classes it may still use, each with why.
   * (The merge reaches Spark's {@code ShuffleMapOutputWriter} only through the writer's adapter,
   * {@code io.spillway.write.MapOutputTarget}, so it needs none.)
   */
  static final Map<String, Set<String>> SHUFFLE_INTERFACE_EXCEPTIONS =
      Map.of(
          // the metrics plugin finds the executor's index cache through the shuffle manager Spark
          // started (SparkEnv's), the only handle a SparkPlugin has on it
          "io.spillway.metrics.SpillwayPlugin", Set.of("org.apache.spark.shuffle.ShuffleManager"));

  @ArchTest
  static final ArchRule onlyTheManagerWriterAndReaderTouchSparksShuffleInterfaces =
      classes()
          .that()
          .resideInAPackage(ROOT + "..")
          .should(
              onlyHaveDependenciesWhere(
                  allowed(
                      SHUFFLE_INTERFACES, SHUFFLE_INTERFACE_USERS, SHUFFLE_INTERFACE_EXCEPTIONS)));

  // ---- 4. Spark internals ---------------------------------------------------------------------

  /**
   * Spark internals: what is neither Spark's public API nor the contract a shuffle manager
   * implements and is handed by Spark. Spark's internal config entries and logging, its private
   * collections ({@code CompactBuffer}, {@code OpenHashSet}), the implementation classes Spillway
   * extends or calls ({@code IndexShuffleBlockResolver}, {@code ShuffleDataIOUtils}, the
   * local-disk shuffle IO, {@code SparkTransportConf}, {@code ShuffleBlockFetcherIterator},
   * {@code DiskBlockManager}, {@code MapStatus}'s factory), Spark's shaded libraries, and
   * reflection. Not internals: {@code SparkEnv} and the services it hands out
   * ({@code SerializerManager}, {@code BlockManager}, {@code MapOutputTracker}), {@code
   * TaskContext}, {@code TaskMemoryManager}/{@code MemoryConsumer} and the {@code unsafe} memory
   * classes, serializers, block ids, {@code ShuffleDependency}, {@code Aggregator}, {@code
   * Partitioner}, {@code MapStatus} as the type {@code ShuffleWriter.stop} returns.
   */
  static final DescribedPredicate<JavaClass> SPARK_INTERNALS =
      resideInAnyPackage(
              "org.apache.spark.internal..",
              "org.apache.spark.util.collection..",
              "org.apache.spark.shuffle.sort.io..",
              "org.apache.spark.network.netty..",
              "org.sparkproject..",
              "java.lang.reflect..")
          .or(
              nameIn(
                  "org.apache.spark.shuffle.IndexShuffleBlockResolver",
                  "org.apache.spark.shuffle.ShuffleDataIOUtils",
                  "org.apache.spark.shuffle.ShuffleDataIOUtils$",
                  "org.apache.spark.storage.ShuffleBlockFetcherIterator",
                  "org.apache.spark.storage.DiskBlockManager",
                  "org.apache.spark.scheduler.MapStatus$"))
          .as("Spark internals (see PackageRulesTest.SPARK_INTERNALS)");

  static final Set<String> SPARK_INTERNALS_USERS = Set.of(ROOT + ".spark");

  /**
   * Documented exceptions. {@code SpillwayShuffleManager}: {@code shuffleBlockResolver()} must
   * return an {@code IndexShuffleBlockResolver}, the type {@code SortShuffleManager} declares (the
   * override's bridge method names it). {@code MapStatus$.apply}, whose arguments differ between
   * Spark versions, is the version bridge's ({@code io.spillway.spark.SparkVersionBridge}).
   */
  static final Map<String, Set<String>> SPARK_INTERNALS_EXCEPTIONS =
      Map.of(
          "io.spillway.SpillwayShuffleManager",
          Set.of("org.apache.spark.shuffle.IndexShuffleBlockResolver"));

  @ArchTest
  static final ArchRule onlyTheSparkBridgeTouchesSparkInternals =
      classes()
          .that()
          .resideInAPackage(ROOT + "..")
          .should(
              onlyHaveDependenciesWhere(
                  allowed(SPARK_INTERNALS, SPARK_INTERNALS_USERS, SPARK_INTERNALS_EXCEPTIONS)));

  /** Reflection by name is a method of {@code java.lang.Class}, outside java.lang.reflect. */
  @ArchTest
  static final ArchRule onlyTheSparkBridgeLoadsClassesByName =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "..")
          .and()
          .resideOutsideOfPackage(ROOT + ".spark..")
          .should()
          .callMethod(Class.class, "forName", String.class)
          .orShould()
          .callMethod(Class.class, "forName", String.class, boolean.class, ClassLoader.class)
          .orShould()
          .callMethod(Class.class, "getDeclaredFields")
          .orShould()
          .callMethod(Class.class, "getDeclaredMethods")
          .orShould()
          .callMethod(Class.class, "getMethod", String.class, Class[].class);

  // ---- helpers --------------------------------------------------------------------------------

  private static DescribedPredicate<JavaClass> nameIn(String... names) {
    Set<String> set = Set.of(names);
    return describe("one of " + set, javaClass -> set.contains(javaClass.getName()));
  }

  /**
   * A dependency is allowed unless its target is {@code restricted} and its origin is neither in
   * one of {@code users} (exact packages) nor a documented exception for that target.
   */
  private static DescribedPredicate<Dependency> allowed(
      DescribedPredicate<JavaClass> restricted,
      Set<String> users,
      Map<String, Set<String>> exceptions) {
    return describe(
        "target is not "
            + restricted.getDescription()
            + ", or origin is in "
            + users
            + " or a documented exception",
        dependency -> {
          JavaClass target = dependency.getTargetClass().getBaseComponentType();
          if (!restricted.test(target)) {
            return true;
          }
          JavaClass origin = dependency.getOriginClass();
          String originPackage = origin.getPackageName();
          if (users.contains(originPackage)) {
            return true;
          }
          String topLevel =
              origin.getName().contains("$")
                  ? origin.getName().substring(0, origin.getName().indexOf('$'))
                  : origin.getName();
          return exceptions.getOrDefault(topLevel, Set.of()).contains(target.getName());
        });
  }
}
