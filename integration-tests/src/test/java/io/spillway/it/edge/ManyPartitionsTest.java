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

import io.spillway.SpillwayShuffleHandle;
import io.spillway.WritePath;
import io.spillway.it.TaskMetricsListener;
import java.io.File;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.shuffle.ShuffleHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Function2;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * A shuffle with 2^24 + 1 reduce partitions, one more than the packed record pointer can
 * address, takes the object path even with a relocatable serializer (Kryo) and works: a few reduce
 * partitions, the last one (index 2^24) included, are computed with {@code runJob} on a subset of
 * partitions and compared with a driver-side oracle. The map tasks spill (forced) and merge.
 *
 * <p>What it costs (2 map tasks of ~1,000 records, measured on a loaded 2-core machine): the
 * driver builds 2^24 + 1 partition objects (~10 s, ~400 MiB); each map task holds one Checksum
 * object per partition (~330 MiB; Spark's sort shuffle does the same) and writes a 128 MiB
 * index and a 128 MiB checksum file. Spillway used to also allocate a long per partition per
 * spill and per merge round, and ran out of the 3 GiB heap here; see {@code io.spillway.spill.SegmentIndex}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ManyPartitionsTest {

  private static final int PARTITIONS = (1 << 24) + 1;
  private static final int RECORDS = 2_000;
  private static final int FORCE_SPILL_RECORDS = 300;

  @Test
  void twoToThe24PlusOnePartitionsTakeTheObjectPathAndWork() {
    Path directory = EdgeSupport.freshDirectory("many-partitions");
    Path localDir = directory.resolve("local");
    SparkConf conf =
        EdgeSupport.conf("local[2]", "edge-many-partitions", localDir, EdgeSupport.KRYO_SERIALIZER)
            // ~1,000 records per map task: 3 spills and a merge each, the case that used to
            // allocate
            // per-partition arrays per spill
            .set(
                "spark.shuffle.spill.numElementsForceSpillThreshold",
                Integer.toString(FORCE_SPILL_RECORDS));
    HeapPeak heap = HeapPeak.start();
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      TaskMetricsListener metrics = TaskMetricsListener.register(jsc.sc());
      HashPartitioner partitioner = new HashPartitioner(PARTITIONS);
      // keys spread over the whole range, and some that land in partition 0 and in the last one
      List<Integer> keys = keys();
      JavaPairRDD<Integer, Integer> partitioned =
          jsc.parallelize(keys, 2)
              .mapToPair(k -> new Tuple2<>(k, k ^ 0x5A5A))
              .partitionBy(partitioner);

      ShuffleHandle handle =
          ((ShuffleDependency<?, ?, ?>) partitioned.rdd().dependencies().head()).shuffleHandle();
      if (handle instanceof SpillwayShuffleHandle<?, ?, ?> spillway) {
        assertEquals(
            WritePath.OBJECT,
            spillway.writePath(),
            "more than 2^24 partitions must take the object path, even with Kryo");
      }

      List<Integer> wanted = List.of(0, 1, 12_345, PARTITIONS / 2, PARTITIONS - 2, PARTITIONS - 1);
      Function2<TaskContext, scala.collection.Iterator<Tuple2<Integer, Integer>>, String> read =
          (Function2<TaskContext, scala.collection.Iterator<Tuple2<Integer, Integer>>, String>
                  & Serializable)
              (context, records) -> {
                List<String> out = new ArrayList<>();
                records.foreach(r -> out.add(r._1() + "=" + r._2()));
                out.sort(null);
                return context.partitionId() + ":" + out;
              };
      Object results =
          jsc.sc()
              .runJob(
                  partitioned.rdd(),
                  read,
                  CollectionConverters.asScala(new ArrayList<Object>(wanted)).toSeq(),
                  ClassTag$.MODULE$.apply(String.class));
      List<String> actual = List.of((String[]) results);

      Map<Integer, List<String>> byPartition = new TreeMap<>();
      for (int k : keys) {
        byPartition
            .computeIfAbsent(partitioner.getPartition(k), p -> new ArrayList<>())
            .add(k + "=" + (k ^ 0x5A5A));
      }
      List<String> expected =
          wanted.stream()
              .map(
                  p -> {
                    List<String> records = byPartition.getOrDefault(p, new ArrayList<>());
                    records.sort(null);
                    return p + ":" + records;
                  })
              .collect(Collectors.toList());
      assertEquals(expected, actual, "reduce partitions " + wanted);
      assertTrue(
          byPartition.get(PARTITIONS - 1).size() > 1 && byPartition.get(0).size() > 1,
          "the data must hit the first and the last partition: " + byPartition.keySet());
      assertTrue(
          metrics.snapshot(jsc.sc()).diskBytesSpilled() > 0,
          "the map tasks must spill: " + metrics.snapshot(jsc.sc()));

      // On disk: each map task's index has 2^24 + 2 offsets; no spill or temp file is left.
      FileCensus census = FileCensus.of(localDir);
      assertEquals(List.of(), FileCensus.names(census.leftovers()), "spill or temp files left");
      List<String> indexes =
          census.shuffleOutputs().stream()
              .filter(f -> f.endsWith(".index"))
              .collect(Collectors.toList());
      assertEquals(2, indexes.size(), "one index file per map task: " + census);
      for (String index : indexes) {
        assertEquals(
            (PARTITIONS + 1L) * Long.BYTES,
            new File(index).length(),
            "index file size of " + index);
      }
      System.out.println("2^24+1 partitions: " + heap.report() + "; " + census.counts());
      // The shuffle must stay registered until the census: once its RDD is garbage, Spark's
      // ContextCleaner unregisters it and the map outputs are deleted.
      java.lang.ref.Reference.reachabilityFence(partitioned);
    }
  }

  /** Keys over the whole partition range, plus ones that hash to partition 0 and to 2^24. */
  private static List<Integer> keys() {
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      keys.add(i * 8_389); // ~ spread over [0, 2^24]
    }
    for (int i = 1; i <= 10; i++) {
      keys.add(PARTITIONS * i); // partition 0
      keys.add(PARTITIONS * i - 1); // partition 2^24
      keys.add(-i * PARTITIONS); // negative, partition 0
    }
    keys.add(-1); // nonNegativeMod(-1) = 2^24
    keys.add(12_345);
    keys.add(PARTITIONS / 2);
    return keys.stream().distinct().sorted(Comparator.naturalOrder()).collect(Collectors.toList());
  }

  /** Peak heap use over the test, from the JVM's memory pools (an upper bound, includes garbage). */
  static final class HeapPeak {
    private final List<MemoryPoolMXBean> pools;

    private HeapPeak(List<MemoryPoolMXBean> pools) {
      this.pools = pools;
    }

    static HeapPeak start() {
      System.gc();
      List<MemoryPoolMXBean> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .collect(Collectors.toList());
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      return new HeapPeak(heapPools);
    }

    String report() {
      long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      return "peak heap (sum of pool peaks) "
          + (peak >> 20)
          + " MiB of max "
          + (Runtime.getRuntime().maxMemory() >> 20)
          + " MiB";
    }
  }
}
