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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.network.buffer.FileSegmentManagedBuffer;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.shuffle.IndexShuffleBlockResolver;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleBlockBatchId;
import org.apache.spark.storage.ShuffleBlockId;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link IndexCachingBlockResolver} against Spark's own {@link IndexShuffleBlockResolver} on the
 * map outputs of a real job: every single block and random partition ranges resolve to the same
 * file segment; the cache stays within its bound; removing an output drops its entry.
 */
class IndexCachingBlockResolverTest {

  private static final int PARTITIONS = 300;
  private static final Pattern INDEX_FILE = Pattern.compile("shuffle_(\\d+)_(\\d+)_0\\.index");

  @Test
  void blocksResolveAsSparksResolverDoesAndTheCacheStaysBounded() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("index-cache")
            .set("spark.ui.enabled", "false")
            .set("spark.shuffle.manager", "io.spillway.SpillwayShuffleManager")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true");
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      List<Tuple2<Integer, Integer>> data =
          IntStream.range(0, 20_000)
              .mapToObj(i -> new Tuple2<>(i * 7919 % 5003, i))
              .collect(Collectors.toList());
      long count =
          jsc.parallelizePairs(data, 4).partitionBy(new HashPartitioner(PARTITIONS)).count();
      assertEquals(20_000, count);

      IndexCachingBlockResolver cached =
          (IndexCachingBlockResolver) SparkEnv.get().shuffleManager().shuffleBlockResolver();
      IndexShuffleBlockResolver spark = new IndexShuffleBlockResolver(conf);
      List<long[]> outputs = mapOutputs();
      assertEquals(4, outputs.size(), "one map output per map task");
      SplittableRandom random = new SplittableRandom(11);
      for (long[] output : outputs) {
        int shuffleId = (int) output[0];
        long mapId = output[1];
        for (int reduce = 0; reduce < PARTITIONS; reduce++) {
          assertSameSegment(new ShuffleBlockId(shuffleId, mapId, reduce), cached, spark);
        }
        for (int i = 0; i < 50; i++) {
          int start = random.nextInt(PARTITIONS);
          int end = start + 1 + random.nextInt(PARTITIONS - start);
          assertSameSegment(new ShuffleBlockBatchId(shuffleId, mapId, start, end), cached, spark);
        }
      }
      long perOutput = 16L + 8L * (PARTITIONS + 1);
      assertEquals(4 * perOutput, cached.cachedBytes(), "every output's index is cached");

      long[] first = outputs.get(0);
      cached.removeDataByMap((int) first[0], first[1]);
      assertEquals(3 * perOutput, cached.cachedBytes(), "a removed output leaves the cache");

      IndexCachingBlockResolver small =
          new IndexCachingBlockResolver(
              conf, 2 * perOutput + 1, SparkVersionBridge.forRunningSpark());
      for (long[] output : outputs.subList(1, outputs.size())) {
        assertSameSegment(new ShuffleBlockId((int) output[0], output[1], 5), small, spark);
        assertTrue(small.cachedBytes() <= 2 * perOutput + 1, "bounded: " + small.cachedBytes());
      }
      assertEquals(2 * perOutput, small.cachedBytes(), "the least recently used output went");
    }
  }

  private static void assertSameSegment(
      BlockId block, IndexShuffleBlockResolver cached, IndexShuffleBlockResolver spark) {
    FileSegmentManagedBuffer expected =
        (FileSegmentManagedBuffer) spark.getBlockData(block, Option.empty());
    ManagedBuffer actual = cached.getBlockData(block, Option.empty());
    FileSegmentManagedBuffer segment = (FileSegmentManagedBuffer) actual;
    assertEquals(expected.getFile(), segment.getFile(), block.name());
    assertEquals(expected.getOffset(), segment.getOffset(), block.name());
    assertEquals(expected.getLength(), segment.getLength(), block.name());
  }

  /** (shuffle id, map id) of every committed map output in the executor's local directories. */
  private static List<long[]> mapOutputs() {
    List<long[]> outputs = new ArrayList<>();
    for (File file :
        CollectionConverters.asJava(
            SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
      Matcher m = INDEX_FILE.matcher(file.getName());
      if (m.matches()) {
        outputs.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    return outputs;
  }
}
