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

import io.spillway.config.MergeStrategyOption;
import io.spillway.config.WriteSettings;
import io.spillway.io.TempFileTracker;
import io.spillway.spark.RowChecksums;
import io.spillway.spark.SparkVersionBridge;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import io.spillway.write.MapTaskContext;
import io.spillway.write.SerializedMapOutputBuffer;
import io.spillway.write.SpillwayShuffleWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.HashPartitioner;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.storage.BlockManagerId;
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
import scala.Option;
import scala.Product2;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One map task's write on the serialized path, spills and merge included: {@value #RECORDS}
 * (long, 40-byte array) records into 200 partitions with Kryo and lz4, a spill forced every
 * {@code RECORDS / spills} records ({@code spark.shuffle.spill.numElementsForceSpillThreshold}),
 * then the merge of the spill files into one real output file ({@link FileShuffleOutput}).
 * {@code spills=1} is the baseline: nothing spills, the records are sorted in memory and written
 * once. With 16, fifteen spill files are written and merged with the in-memory rest, and the
 * merge strategy is what differs:
 *
 * <ul>
 *   <li>AUTO: Spillway's choice; here SERIALIZED spills (uncompressed, as the average segment is
 *       small) and the compress merge, which compresses each partition once;
 *   <li>COMPRESS: the same plan forced, so it can be measured whatever the segment size;
 *   <li>TRANSFER_TO, FILE_STREAM: compressed spill segments concatenated by
 *       {@code FileChannel.transferTo} or through streams;
 *   <li>SLOW: compressed segments decompressed and recompressed.
 * </ul>
 *
 * Score: records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class BenchmarkSpillMerge {
  static final int RECORDS = 1 << 19;
  static final int PARTITIONS = 200;

  @Param({"AUTO", "TRANSFER_TO", "FILE_STREAM", "SLOW", "COMPRESS"})
  public MergeStrategyOption strategy;

  @Param({"1", "16"})
  public int spills;

  private BenchmarkSupport support;
  private FileShuffleOutput output;
  private List<Product2<Object, Object>> records;
  private WriteSettings settings;
  private long mapId;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    support = new BenchmarkSupport(1L << 30);
    support.conf.set(
        "spark.shuffle.spill.numElementsForceSpillThreshold", Integer.toString(RECORDS / spills));
    settings = WriteSettings.fromSparkConf(support.conf).withMergeStrategy(strategy);
    output = new FileShuffleOutput(support.spillDirectory.toFile());
    SplittableRandom random = new SplittableRandom(42);
    records = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      byte[] value = new byte[40];
      for (int b = 0; b < value.length; b += 8) {
        value[b] = (byte) random.nextInt(256); // compressible, like most real values
      }
      records.add(new Tuple2<>(random.nextLong(), value));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    support.close();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long writeMapOutput() throws IOException {
    TempFileTracker<SpillFile> spillFiles =
        new TempFileTracker<>(SpillFileSource.directory(support.spillDirectory.toFile()));
    MapTaskContext task =
        new MapTaskContext(
            0,
            mapId++,
            PARTITIONS,
            settings,
            support.taskMemoryManager,
            support.serializer,
            support.serializerManager,
            spillFiles,
            new TaskMetrics());
    SpillwayShuffleWriter<Object, Object> writer =
        new SpillwayShuffleWriter<>(
            new HashPartitioner(PARTITIONS),
            RowChecksums.NONE,
            task,
            new SerializedMapOutputBuffer<>(task),
            new ShuffleWriteMetrics(),
            output,
            BlockManagerId.apply("bench", "localhost", 7077, Option.empty()),
            SparkVersionBridge.forRunningSpark());
    writer.write(CollectionConverters.asScala(records.iterator()));
    writer.stop(true);
    if (spills > 1 && task.taskMetrics().diskBytesSpilled() == 0) {
      throw new IllegalStateException("nothing spilled: the benchmark would not measure a merge");
    }
    if (spillFiles.liveFileCount() != 0) {
      throw new IllegalStateException(spillFiles.liveFileCount() + " spill files left");
    }
    return output.lastOutputBytes;
  }
}
