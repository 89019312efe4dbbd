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

import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.write.sort.PageSorter;
import io.spillway.write.sort.SerializedRecordStore;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.unsafe.Platform;
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

/**
 * Record insert into {@link PageSorter}: copies of serialized records into pages plus a packed
 * pointer each, {@value #RECORDS} records per invocation into a fresh sorter (memory is ample, so
 * nothing spills), then {@link PageSorter#reset()} frees the pages. Score: records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class BenchmarkPageSorter {
  static final int RECORDS = 1 << 20;

  @Param({"16", "100"})
  public int recordBytes;

  @Param({"200", "20000"})
  public int partitions;

  private BenchmarkSupport support;
  private byte[] records;
  private int[] partitionIds;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    support = new BenchmarkSupport(1L << 30);
    SplittableRandom random = new SplittableRandom(42);
    records = new byte[RECORDS * recordBytes];
    for (int i = 0; i < records.length; i++) {
      records[i] = (byte) random.nextInt(256);
    }
    partitionIds = new int[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      partitionIds[i] = random.nextInt(partitions);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    support.close();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long insertRecords() {
    TaskMemoryConsumer memory = TaskMemoryConsumer.tungsten(support.taskMemoryManager);
    PageSorter sorter =
        new PageSorter(
            memory,
            SerializedRecordStore.pageSizeBytes(memory.taskMemoryManager()),
            partitions,
            4096,
            32 * 1024);
    long offset = Platform.BYTE_ARRAY_OFFSET;
    for (int i = 0; i < RECORDS; i++) {
      sorter.insertRecord(records, offset, recordBytes, partitionIds[i]);
      offset += recordBytes;
    }
    long bytes = sorter.dataBytes();
    sorter.reset();
    return bytes;
  }
}
