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

import io.spillway.io.TempFileTracker;
import io.spillway.sort.CloseableIterator;
import io.spillway.sort.ExternalSorter;
import io.spillway.sort.SortSettings;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import scala.Tuple2;
import scala.math.Ordering;

/**
 * In-memory sort of TeraSort-like records (10-char String keys) by an {@link ExternalSorter}:
 * with {@code scala.math.Ordering.String}, which it sorts by key prefix, against the same order
 * as a comparator it does not recognize (so it sorts with the comparator, as before prefixes),
 * and against a plain {@code Arrays.sort} of the tuples. Memory is large enough that nothing
 * spills. Score: records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class BenchmarkExternalSorter {
  static final int RECORDS = 100_000;
  static final Comparator<String> UNRECOGNIZED = (a, b) -> a.compareTo(b);

  private BenchmarkSupport support;
  private Tuple2<String, Integer>[] records;

  @SuppressWarnings("unchecked")
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    support = new BenchmarkSupport(1L << 30);
    SplittableRandom random = new SplittableRandom(42);
    records = new Tuple2[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      char[] key = new char[10];
      for (int c = 0; c < key.length; c++) {
        key[c] = (char) (' ' + random.nextInt(95));
      }
      records[i] = new Tuple2<>(new String(key), i);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    support.close();
  }

  private long sortWith(Comparator<? super String> order) throws IOException {
    long checksum = 0;
    try (ExternalSorter<String, Integer> sorter =
        new ExternalSorter<>(
            order,
            SortSettings.defaults(),
            support.taskMemoryManager,
            support.serializerManager,
            support.serializer,
            new TempFileTracker<>(support.fileFactory))) {
      sorter.insertAll(Arrays.asList(records).iterator());
      try (CloseableIterator<Tuple2<String, Integer>> sorted = sorter.sortedIterator()) {
        while (sorted.hasNext()) {
          checksum = checksum * 31 + sorted.next()._2();
        }
      }
    }
    return checksum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long prefixSort() throws IOException {
    return sortWith(Ordering.String$.MODULE$);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long comparatorSort() throws IOException {
    return sortWith(UNRECOGNIZED);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long arraysSortBaseline() {
    Tuple2<String, Integer>[] copy = records.clone();
    Arrays.sort(copy, (a, b) -> a._1().compareTo(b._1()));
    long checksum = 0;
    for (Tuple2<String, Integer> t : copy) {
      checksum = checksum * 31 + t._2();
    }
    return checksum;
  }
}
