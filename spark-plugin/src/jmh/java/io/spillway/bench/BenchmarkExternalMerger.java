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
package io.spillway.bench;

import io.spillway.combine.CombineFunctions;
import io.spillway.combine.ExternalMerger;
import io.spillway.combine.MergerSettings;
import io.spillway.sort.CloseableIterator;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import scala.Product2;
import scala.Tuple2;

/**
 * Sum-by-key of {@value #RECORDS} (Long, Long) records: {@link ExternalMerger} (merge, then drain
 * its items) against a plain {@code HashMap.merge} baseline that never spills. {@code memoryMiB}
 * caps the task memory the merger may take: 1024 does not spill, 4 spills many times. Score:
 * input records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
public class BenchmarkExternalMerger {
  static final int RECORDS = 1 << 20;
  static final CombineFunctions<Long, Long> SUM =
      new CombineFunctions<>(v -> v, Long::sum, Long::sum);

  @Param({"1000", "1000000"})
  public int distinctKeys;

  @Param({"1024", "4"})
  public int memoryMiB;

  private BenchmarkSupport support;
  private long[] keys;
  private long[] values;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    support = new BenchmarkSupport((long) memoryMiB << 20);
    SplittableRandom random = new SplittableRandom(42);
    keys = new long[RECORDS];
    values = new long[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      keys[i] = random.nextInt(distinctKeys);
      values[i] = random.nextInt(1000);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    support.close();
  }

  private Iterator<Product2<Long, Long>> records() {
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < RECORDS;
      }

      @Override
      public Product2<Long, Long> next() {
        if (i >= RECORDS) {
          throw new NoSuchElementException();
        }
        Tuple2<Long, Long> t = new Tuple2<>(keys[i], values[i]);
        i++;
        return t;
      }
    };
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long externalMerger() throws IOException {
    long checksum = 0;
    try (ExternalMerger<Long, Long, Long> merger =
        new ExternalMerger<>(
            SUM,
            MergerSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            support.fileFactory)) {
      merger.mergeValues(records());
      try (CloseableIterator<Tuple2<Long, Long>> items = merger.items()) {
        while (items.hasNext()) {
          Tuple2<Long, Long> t = items.next();
          checksum += t._1() * 31 + t._2();
        }
      }
    }
    return checksum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long hashMapBaseline() {
    Map<Long, Long> map = new HashMap<>();
    Iterator<Product2<Long, Long>> it = records();
    while (it.hasNext()) {
      Product2<Long, Long> t = it.next();
      map.merge(t._1(), t._2(), Long::sum);
    }
    long checksum = 0;
    for (Map.Entry<Long, Long> e : map.entrySet()) {
      checksum += e.getKey() * 31 + e.getValue();
    }
    return checksum;
  }
}
