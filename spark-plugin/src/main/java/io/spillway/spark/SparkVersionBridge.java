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
package io.spillway.spark;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.scheduler.MapStatus$;
import org.apache.spark.shuffle.IndexShuffleBlockResolver;
import org.apache.spark.shuffle.checksum.RowBasedChecksum;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.util.collection.OpenHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Spark call whose signature or behaviour differs between the Spark lines this jar runs
 * on, in one place. The jar is compiled against 4.1; what differs:
 *
 * <pre>
 *   call                                  4.0.x                  4.1.x, 4.2.x
 *   MapStatus.apply                       (loc, lengths, mapId)  (loc, lengths, mapId, checksum)
 *   ShuffleDependency.rowBasedChecksums   absent                 RowBasedChecksum[] (SQL's)
 *   RowBasedChecksum                      absent                 per-partition row checksums
 *   IndexShuffleBlockResolver             java.util.Map; empty   ConcurrentMap; a new
 *     .taskIdMapsForShuffle               and immutable from     ConcurrentHashMap from
 *                                         the (conf) constructor the (conf) constructor
 * </pre>
 *
 * <p>The implementation is chosen once per JVM, when the shuffle manager starts, from {@code
 * org.apache.spark.SPARK_VERSION}; nothing is decided per record. A line outside {@link
 * #OLDEST_LINE}..{@link #NEWEST_LINE} stops the manager at start-up with a message that names
 * the version found and the lines supported; a newer minor of the same major is let through with
 * one warning (it is most likely 4.2's API, but untested). Only {@link Spark41} names 4.1-only
 * classes, and it is never loaded on 4.0; {@link Spark40} links its one differing call through a
 * {@link MethodHandle}s, resolved once, because the 3-argument {@code MapStatus.apply} and the
 * {@code Map}-typed {@code taskIdMapsForShuffle} do not exist in the 4.1 API this jar compiles
 * against (found by compiling against each line and comparing the members the classes link to,
 * then by running the integration tests on each line).
 */
public abstract class SparkVersionBridge {
  private static final Logger LOG = LoggerFactory.getLogger(SparkVersionBridge.class);

  /** Oldest and newest Spark lines this jar supports: the supported range, in one place. */
  public static final SparkVersion OLDEST_LINE = new SparkVersion(4, 0, 0);

  public static final SparkVersion NEWEST_LINE = new SparkVersion(4, 2, 0);

  /** The releases CI runs the same jar on, one per line (the README's compatibility matrix). */
  public static final List<String> TESTED_RELEASES = List.of("4.0.4", "4.1.3", "4.2.0");

  private static SparkVersionBridge running;

  /** The bridge for the Spark of this JVM, chosen (and checked) on the first call. */
  public static synchronized SparkVersionBridge forRunningSpark() {
    if (running == null) {
      running = forVersion(org.apache.spark.package$.MODULE$.SPARK_VERSION(), LOG::warn);
    }
    return running;
  }

  /**
   * The bridge for {@code sparkVersion}, whose calls must link against the Spark on the class
   * path.
   *
   * @throws UnsupportedOperationException when the version is outside the supported range
   */
  public static SparkVersionBridge forVersion(String sparkVersion, Consumer<String> warnings) {
    return switch (lineOf(sparkVersion, warnings)) {
      case SPARK_4_0 -> new Spark40();
      case SPARK_4_1_AND_LATER -> new Spark41();
    };
  }

  /** The API families, as far as this bridge tells them apart. */
  enum Api {
    SPARK_4_0,
    SPARK_4_1_AND_LATER
  }

  /** The decision alone, without linking anything (what the unit tests check on one line). */
  static Api lineOf(String sparkVersion, Consumer<String> warnings) {
    SparkVersion version;
    try {
      version = SparkVersion.parse(sparkVersion);
    } catch (IllegalArgumentException e) {
      throw unsupported(sparkVersion, e.getMessage());
    }
    if (version.compareLine(OLDEST_LINE) < 0 || version.major() > NEWEST_LINE.major()) {
      throw unsupported(sparkVersion, null);
    }
    if (version.compareLine(NEWEST_LINE) > 0) {
      warnings.accept(
          "Spillway runs on Spark "
              + sparkVersion
              + ", a newer line than it was"
              + " tested with ("
              + supportedRange()
              + "); going on with Spark "
              + NEWEST_LINE.line()
              + "'s API. Set spark.shuffle.manager=sort if shuffles fail.");
    }
    return version.compareLine(new SparkVersion(4, 1, 0)) < 0
        ? Api.SPARK_4_0
        : Api.SPARK_4_1_AND_LATER;
  }

  /** {@code Spark 4.0.x to 4.2.x} */
  public static String supportedRange() {
    return "Spark " + OLDEST_LINE.line() + ".x to " + NEWEST_LINE.line() + ".x";
  }

  private static UnsupportedOperationException unsupported(String found, String detail) {
    return new UnsupportedOperationException(
        "Spillway does not support Spark "
            + found
            + (detail == null ? "" : " (" + detail + ")")
            + ": it supports "
            + supportedRange()
            + " (tested: "
            + String.join(", ", TESTED_RELEASES)
            + "). Use Spark's built-in shuffle"
            + " (spark.shuffle.manager=sort) on this Spark.");
  }

  /** Which family this bridge speaks, e.g. {@code Spark 4.1+ API} (for the start-up log). */
  public abstract String api();

  /** The map task's status, as the line's {@code MapStatus.apply} builds it. */
  public abstract MapStatus mapStatus(
      BlockManagerId location, long[] partitionLengths, long mapTaskId, RowChecksums checksums);

  /** The dependency's row checksums, or {@link RowChecksums#NONE}. */
  public abstract RowChecksums rowChecksums(ShuffleDependency<?, ?, ?> dependency);

  /**
   * The resolver's map task ids per shuffle (the ids of outputs that migrated in from a
   * decommissioned executor included). Keys are shuffle ids, values the map task ids.
   */
  public abstract ConcurrentMap<Object, OpenHashSet<Object>> taskIdMapsForShuffle(
      IndexShuffleBlockResolver resolver);

  @Override
  public String toString() {
    return api();
  }

  /** Spark 4.0: no row checksums, a 3-argument {@code MapStatus.apply}. */
  private static final class Spark40 extends SparkVersionBridge {
    private final MethodHandle apply;
    private final MethodHandle taskIdMaps;
    private final Field taskIdMapsField;

    Spark40() {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      try {
        apply =
            lookup
                .findVirtual(
                    MapStatus$.class,
                    "apply",
                    MethodType.methodType(
                        MapStatus.class, BlockManagerId.class, long[].class, long.class))
                .bindTo(MapStatus$.MODULE$);
        taskIdMaps =
            lookup.findVirtual(
                IndexShuffleBlockResolver.class,
                "taskIdMapsForShuffle",
                MethodType.methodType(Map.class));
        taskIdMapsField = IndexShuffleBlockResolver.class.getDeclaredField("taskIdMapsForShuffle");
        taskIdMapsField.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException(
            "A Spark 4.0 member is missing or closed ("
                + e
                + "); the Spark on the class path is not the 4.0 line its version says",
            e);
      }
    }

    @Override
    public String api() {
      return "Spark 4.0 API";
    }

    @Override
    public MapStatus mapStatus(
        BlockManagerId location, long[] partitionLengths, long mapTaskId, RowChecksums checksums) {
      try {
        return (MapStatus) apply.invokeExact(location, partitionLengths, mapTaskId);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("MapStatus.apply failed", e);
      }
    }

    @Override
    public RowChecksums rowChecksums(ShuffleDependency<?, ?, ?> dependency) {
      return RowChecksums.NONE;
    }

    /**
     * The one resolver constructor whose descriptor is the same on 4.0 and 4.1, {@code (conf)},
     * leaves 4.0's map an immutable {@code emptyMap()} (Spark's SortShuffleManager passes its own
     * map to another constructor, whose parameter type differs on 4.1). Recording map ids, and
     * 4.0's own recording of migrated outputs, would then fail; so the resolver gets a
     * ConcurrentHashMap here, once, before it serves anything.
     */
    @Override
    @SuppressWarnings("unchecked")
    public ConcurrentMap<Object, OpenHashSet<Object>> taskIdMapsForShuffle(
        IndexShuffleBlockResolver resolver) {
      try {
        Map<Object, OpenHashSet<Object>> map =
            (Map<Object, OpenHashSet<Object>>) taskIdMaps.invokeExact(resolver);
        if (map instanceof ConcurrentMap) {
          return (ConcurrentMap<Object, OpenHashSet<Object>>) map;
        }
        if (!map.isEmpty()) {
          throw new IllegalStateException(
              "IndexShuffleBlockResolver.taskIdMapsForShuffle is a"
                  + " non-empty "
                  + map.getClass().getName()
                  + ", not a ConcurrentMap");
        }
        ConcurrentMap<Object, OpenHashSet<Object>> concurrent = new ConcurrentHashMap<>();
        taskIdMapsField.set(resolver, concurrent);
        return concurrent;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("IndexShuffleBlockResolver.taskIdMapsForShuffle failed", e);
      }
    }
  }

  /** Spark 4.1 and later: linked directly (this jar compiles against 4.1). */
  private static final class Spark41 extends SparkVersionBridge {
    @Override
    public String api() {
      return "Spark 4.1+ API";
    }

    @Override
    public MapStatus mapStatus(
        BlockManagerId location, long[] partitionLengths, long mapTaskId, RowChecksums checksums) {
      return MapStatus$.MODULE$.apply(
          location, partitionLengths, mapTaskId, checksums.aggregatedValue());
    }

    @Override
    public RowChecksums rowChecksums(ShuffleDependency<?, ?, ?> dependency) {
      RowBasedChecksum[] checksums = dependency.rowBasedChecksums();
      return checksums.length == 0 ? RowChecksums.NONE : new SparkRowChecksums(checksums);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ConcurrentMap<Object, OpenHashSet<Object>> taskIdMapsForShuffle(
        IndexShuffleBlockResolver resolver) {
      return (ConcurrentMap) resolver.taskIdMapsForShuffle();
    }
  }

  /** Spark 4.1's row checksums, one per reduce partition. */
  private static final class SparkRowChecksums implements RowChecksums {
    private final RowBasedChecksum[] checksums;

    SparkRowChecksums(RowBasedChecksum[] checksums) {
      this.checksums = checksums;
    }

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public void update(int partition, Object key, Object value) {
      checksums[partition].update(key, value);
    }

    @Override
    public long aggregatedValue() {
      return RowBasedChecksum.getAggregatedChecksumValue(checksums);
    }
  }
}
