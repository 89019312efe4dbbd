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
package io.spillway.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * With {@code spark.io.encryption.enabled=true} no byte of a record reaches the disk in clear:
 * not in map-side spills, not in the committed {@code .data} files, not in the reduce side's
 * spills (aggregation, group-by, sort). Every record's value starts with {@link #MARKER}; the
 * test copies every file of the local directory at points where spills exist (inside the map
 * tasks, after several spills; inside the reduce tasks, once their combiner or sorter spilled;
 * after each job, while its shuffle is registered) and greps the copies for the marker.
 *
 * <p>The same jobs without encryption are the control: there the marker must be found in each
 * kind of file (map spill, reduce spill, map output), or the test could not see a leak. Both runs
 * write uncompressed ({@code spark.shuffle.compress=false}, {@code spark.shuffle.spill.compress
 * =false}), so encryption is the only thing between a record and the disk. Serialized path
 * (Kryo) and object path (Java serialization).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EncryptionTest {

  static final String MARKER = "SPILLWAY-PLAINTEXT-MARKER-";
  private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
  private static final int MAP_PARTITIONS = 2;
  private static final int PER_PARTITION = 6_000;
  private static final int KEYS = 3_000;
  private static final int FORCE_SPILL_RECORDS = 500;

  /** Map tasks copy the local directory after this many records (several spills by then). */
  private static final int CAPTURE_AFTER_RECORDS = 4 * FORCE_SPILL_RECORDS + 1;

  private static final String MAP_SPILL = "map spill";
  private static final String REDUCE_SPILL = "reduce spill";
  private static final String MAP_OUTPUT = "map output .data";

  @ParameterizedTest
  @ValueSource(strings = {EdgeSupport.KRYO_SERIALIZER, EdgeSupport.JAVA_SERIALIZER})
  void noPlaintextReachesTheDiskWithIoEncryption(String serializer) {
    Map<String, List<String>> control = filesWithMarker(serializer, false);
    for (String kind : List.of(MAP_SPILL, REDUCE_SPILL, MAP_OUTPUT)) {
      assertTrue(
          !control.get(kind).isEmpty(),
          () ->
              "control run without encryption: no "
                  + kind
                  + " file holds the marker, so this test could not see plaintext: "
                  + control);
    }
    Map<String, List<String>> encrypted = filesWithMarker(serializer, true);
    for (String kind : List.of(MAP_SPILL, REDUCE_SPILL, MAP_OUTPUT)) {
      assertEquals(
          List.of(),
          encrypted.get(kind),
          () -> kind + " files holding the plaintext marker with spark.io.encryption.enabled=true");
    }
    assertEquals(List.of(), encrypted.get("other"), "other files holding the plaintext marker");
  }

  /**
   * Runs the jobs on a fresh context and returns, per kind of file, the captured files that hold
   * the marker. Fails if a kind of file was never captured.
   */
  private static Map<String, List<String>> filesWithMarker(String serializer, boolean encrypt) {
    Path directory = EdgeSupport.freshDirectory(encrypt ? "encrypted" : "plaintext");
    Path localDir = directory.resolve("local");
    String captures = directory.resolve("captured").toString();
    SparkConf conf =
        EdgeSupport.conf("local[2]", "edge-encryption", localDir, serializer)
            .set("spark.io.encryption.enabled", Boolean.toString(encrypt))
            .set("spark.shuffle.compress", "false")
            .set("spark.shuffle.spill.compress", "false")
            .set(
                "spark.shuffle.spill.numElementsForceSpillThreshold",
                Integer.toString(FORCE_SPILL_RECORDS));
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      String local = localDir.toString();

      // map side, no combine: map spills and .data files
      List<Tuple2<Integer, String>> partitioned =
          markedRecords(jsc, local, captures, "partitionBy")
              .partitionBy(new HashPartitioner(3))
              .collect();
      assertEquals(MAP_PARTITIONS * PER_PARTITION, partitioned.size(), "partitionBy records");
      capture(local, captures, "after-partitionBy");

      // reduceByKey: map-side combine, and the reduce side's merger spills
      Map<Integer, String> smallest =
          new TreeMap<>(
              markedRecords(jsc, local, captures, "reduce")
                  .reduceByKey((a, b) -> a.compareTo(b) <= 0 ? a : b, 2)
                  .mapPartitionsToPair(it -> captureAtFirst(it, local, captures, "reduce-side"))
                  .collectAsMap());
      assertEquals(expectedSmallest(), smallest, "reduceByKey(min) result");
      capture(local, captures, "after-reduceByKey");

      // groupByKey: the reduce side's group-by spills
      long values =
          markedRecords(jsc, local, captures, "group")
              .groupByKey(2)
              .mapPartitionsToPair(it -> captureAtFirst(it, local, captures, "group-side"))
              .mapValues(
                  group -> {
                    int n = 0;
                    for (String ignored : group) {
                      n++;
                    }
                    return n;
                  })
              .values()
              .reduce(Integer::sum);
      assertEquals(MAP_PARTITIONS * PER_PARTITION, values, "groupByKey values");
      capture(local, captures, "after-groupByKey");

      // sortByKey: the reduce side's sorter spills
      List<Integer> keys =
          markedRecords(jsc, local, captures, "sort")
              .sortByKey(true, 2)
              .mapPartitionsToPair(it -> captureAtFirst(it, local, captures, "sort-side"))
              .keys()
              .collect();
      assertEquals(MAP_PARTITIONS * PER_PARTITION, keys.size(), "sortByKey records");
      capture(local, captures, "after-sortByKey");
    }
    Map<String, List<String>> withMarker = new TreeMap<>();
    Map<String, Integer> captured = new TreeMap<>();
    for (String kind : List.of(MAP_SPILL, REDUCE_SPILL, MAP_OUTPUT, "other")) {
      withMarker.put(kind, new ArrayList<>());
      captured.put(kind, 0);
    }
    for (Path copy : FileCensus.regularFiles(List.of(Path.of(captures)))) {
      String kind = kindOf(copy.getFileName().toString());
      captured.merge(kind, 1, Integer::sum);
      if (contains(copy, MARKER_BYTES)) {
        withMarker.get(kind).add(copy.getFileName().toString());
      }
    }
    System.out.printf(
        "encryption=%s %s: files captured %s, with the marker %s%n",
        encrypt,
        serializer,
        captured,
        withMarker.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().size())
            .collect(Collectors.toList()));
    for (String kind : List.of(MAP_SPILL, REDUCE_SPILL, MAP_OUTPUT)) {
      assertTrue(
          captured.get(kind) > 0,
          () ->
              "no "
                  + kind
                  + " file was captured (encryption="
                  + encrypt
                  + "): the test did not look where it should; captured "
                  + captured);
    }
    return withMarker;
  }

  /** Keys in [0, KEYS), values MARKER + a number; map tasks capture once several spills exist. */
  private static JavaPairRDD<Integer, String> markedRecords(
      JavaSparkContext jsc, String local, String captures, String label) {
    return jsc.parallelize(range(MAP_PARTITIONS), MAP_PARTITIONS)
        .flatMapToPair(
            p -> {
              Iterator<Tuple2<Integer, String>> records = records(p).iterator();
              return new Iterator<Tuple2<Integer, String>>() {
                private int produced;

                @Override
                public boolean hasNext() {
                  return records.hasNext();
                }

                @Override
                public Tuple2<Integer, String> next() {
                  if (++produced == CAPTURE_AFTER_RECORDS) {
                    capture(local, captures, label + "-map-" + p);
                  }
                  return records.next();
                }
              };
            });
  }

  private static List<Tuple2<Integer, String>> records(int partition) {
    List<Tuple2<Integer, String>> records = new ArrayList<>(PER_PARTITION);
    for (int i = 0; i < PER_PARTITION; i++) {
      int n = partition * PER_PARTITION + i;
      records.add(new Tuple2<>((n * 7919) % KEYS, MARKER + n));
    }
    return records;
  }

  private static Map<Integer, String> expectedSmallest() {
    Map<Integer, String> smallest = new TreeMap<>();
    for (int p = 0; p < MAP_PARTITIONS; p++) {
      for (Tuple2<Integer, String> r : records(p)) {
        smallest.merge(r._1(), r._2(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
    return smallest;
  }

  /** Copies the local directory when the first record comes out of a reduce-side combiner. */
  private static <K, V> Iterator<Tuple2<K, V>> captureAtFirst(
      Iterator<Tuple2<K, V>> records, String local, String captures, String label) {
    if (records.hasNext()) {
      capture(local, captures, label);
    }
    return records;
  }

  private static final AtomicInteger CAPTURES = new AtomicInteger();

  /** Copies every regular file under {@code local} into {@code captures}, keeping its name. */
  static void capture(String local, String captures, String label) {
    Path target = Path.of(captures, label + "-" + CAPTURES.incrementAndGet());
    try {
      Files.createDirectories(target);
      for (Path file : FileCensus.regularFiles(List.of(Path.of(local)))) {
        try {
          Files.copy(file, target.resolve(file.getFileName()));
        } catch (NoSuchFileException e) {
          // deleted by a task between the listing and the copy
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String kindOf(String name) {
    if (name.startsWith("temp_shuffle_")) {
      return MAP_SPILL;
    }
    if (name.startsWith("temp_local_")) {
      return REDUCE_SPILL;
    }
    if (name.startsWith("shuffle_") && name.endsWith(".data")) {
      return MAP_OUTPUT;
    }
    return "other";
  }

  static boolean contains(Path file, byte[] needle) {
    byte[] haystack;
    try {
      haystack = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }
}
