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

import io.spillway.write.sort.PackedRecordPointer;
import io.spillway.write.sort.PartitionRadixSort;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sorting packed record pointers by partition: {@link PartitionRadixSort} against
 * {@code java.util.Arrays.sort} of the same 64-bit pointers (the partition id is in the top bits,
 * so sorting whole pointers also orders by partition; it is not stable, the radix sort is). Each
 * invocation first copies the unsorted pointers back (counted in both). Score: pointers per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class BenchmarkPartitionRadixSort {
  static final int POINTERS = 1 << 22;

  @Param({"200", "20000", "2000000"})
  public int partitions;

  private long[] unsorted;
  private long[] radixSlots;
  private LongArray radixArray;
  private long[] baseline;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    unsorted = new long[POINTERS];
    long offset = 0;
    for (int i = 0; i < POINTERS; i++) {
      long address = TaskMemoryManager.encodePageNumberAndOffset(i % 8, offset);
      offset = (offset + 24) % (PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES - 64);
      unsorted[i] = PackedRecordPointer.pack(address, random.nextInt(partitions));
    }
    radixSlots = new long[2 * POINTERS];
    radixArray = new LongArray(MemoryBlock.fromLongArray(radixSlots));
    baseline = new long[POINTERS];
  }

  @Benchmark
  @OperationsPerInvocation(POINTERS)
  public long radixSort() {
    System.arraycopy(unsorted, 0, radixSlots, 0, POINTERS);
    int start = PartitionRadixSort.sort(radixArray, POINTERS);
    return radixSlots[start] ^ radixSlots[start + POINTERS - 1];
  }

  @Benchmark
  @OperationsPerInvocation(POINTERS)
  public long arraysSort() {
    System.arraycopy(unsorted, 0, baseline, 0, POINTERS);
    Arrays.sort(baseline);
    return baseline[0] ^ baseline[POINTERS - 1];
  }
}
