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

import io.spillway.config.WriteSettings;
import io.spillway.io.TempFileTracker;
import io.spillway.spark.BlockInputStreams;
import io.spillway.spark.RowChecksums;
import io.spillway.spark.SparkVersionBridge;
import io.spillway.spark.UnsafeRowDecoder;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import io.spillway.write.MapTaskContext;
import io.spillway.write.SerializedMapOutputBuffer;
import io.spillway.write.SpillwayShuffleWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.LZ4CompressionCodec;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.util.MutablePair;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import scala.Option;
import scala.Product2;
import scala.Tuple2;
import scala.collection.AbstractIterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Spillway's serialized shuffle path against the lz4 ceiling on the same bytes, one thread (per
 * core), {@value #RECORDS} records into {@code partitions} partitions (200: a few thousand records
 * each; 20,000: a few dozen, where opening and closing each partition's codec stream shows),
 * nothing spilling:
 *
 * <ul>
 *   <li>{@code write}: records in, map output file out: {@link SpillwayShuffleWriter} with
 *       {@link SerializedMapOutputBuffer} into a real file ({@link FileShuffleOutput}), as a map
 *       task writes;
 *   <li>{@code read}: the blocks of that output in, records out: each partition's bytes through
 *       {@link BlockInputStreams} (lz4, as Spillway's reader decompresses a block) and decoded as
 *       Spillway's reader decodes a fetched block (DeserializingIterator): SQL rows by {@link
 *       UnsafeRowDecoder}, other records by the serializer's {@code deserializeStream};
 *   <li>{@code lz4Compress} / {@code lz4Decompress}: Spark's {@link LZ4CompressionCodec} on the
 *       same records serialized into one stream: the ceiling of each side.
 * </ul>
 *
 * Records ({@code kind}): {@code unsaferow}: SQL rows (long, long, int) as a SQL exchange hands
 * them to the shuffle writer, (partition id, UnsafeRow) under Spark's UnsafeRowSerializer, spread
 * round-robin as {@code repartition(n)} does. As in the exchange (below the serialized-mode
 * partition limit it does not copy rows), {@code write} gets one reused {@code MutablePair} and
 * one reused UnsafeRow, pointed in turn at each row of one contiguous buffer, as a projection or
 * a sorter's pages hand them out; {@code kryo}: (long, long) pairs under Kryo with a
 * HashPartitioner, as an RDD shuffle of pairs.
 *
 * <p>Every benchmark counts the serialized (uncompressed) bytes it moved in the auxiliary counter
 * {@code bytes}, so JMH prints bytes/s for each beside the operations; {@link ShufflePathReport}
 * turns them into MB/s per core and the fractions write / lz4Compress, read / lz4Decompress.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class BenchmarkShufflePath {
  static final int RECORDS = 1 << 19;
  private static final int ROW_BYTES = 32;

  @Param({"unsaferow", "kryo"})
  public String kind;

  @Param({"200", "20000"})
  public int partitions;

  /** Serialized bytes moved, counted per operation; JMH reports it as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Moved {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  private BenchmarkSupport support;
  private FileShuffleOutput output;
  private List<Product2<Object, Object>> records;

  /** {@code unsaferow}: every row's bytes, one after the other, and each row's partition. */
  private byte[] rowBytes;

  private int[] rowPartitions;
  private SerializerInstance serializer;

  /** Spark SQL rows' decoder, as the reader uses it; null for other serializers. */
  private UnsafeRowDecoder rowDecoder;

  private Partitioner partitioner;
  private WriteSettings settings;
  private CompressionCodec codec;

  /** The records serialized into one stream: the bytes lz4 is measured on. */
  private byte[] serialized;

  private byte[] compressed;
  private ByteArrayOutputStream sink;
  private byte[] buffer;

  /** The map output's partitions, as a reducer fetches them. */
  private byte[][] blocks;

  private long mapId;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    support = new BenchmarkSupport(1L << 30);
    settings = WriteSettings.fromSparkConf(support.conf);
    codec = new LZ4CompressionCodec(support.conf);
    output = new FileShuffleOutput(support.spillDirectory.toFile(), true);
    SplittableRandom random = new SplittableRandom(42);
    records = new ArrayList<>(RECORDS);
    if (kind.equals("unsaferow")) {
      serializer = new UnsafeRowSerializer(3, null).newInstance();
      partitioner = new PartitionIdPassthrough(partitions);
      int partition = random.nextInt(partitions);
      rowBytes = new byte[RECORDS * ROW_BYTES];
      rowPartitions = new int[RECORDS];
      for (int i = 0; i < RECORDS; i++) {
        UnsafeRow row = new UnsafeRow(3);
        row.pointTo(new byte[ROW_BYTES], ROW_BYTES);
        row.setLong(0, i);
        row.setLong(1, random.nextLong());
        row.setInt(2, i % 7);
        records.add(new Tuple2<>(partition, row));
        row.writeToMemory(rowBytes, Platform.BYTE_ARRAY_OFFSET + (long) i * ROW_BYTES);
        rowPartitions[i] = partition;
        partition = partition + 1 == partitions ? 0 : partition + 1;
      }
      rowDecoder = UnsafeRowDecoder.forSerializer(serializer);
    } else if (kind.equals("kryo")) {
      serializer = support.serializer;
      partitioner = new HashPartitioner(partitions);
      for (int i = 0; i < RECORDS; i++) {
        records.add(new Tuple2<>(random.nextLong(), (long) random.nextInt(1000)));
      }
    } else {
      throw new IllegalArgumentException("kind " + kind + ": allowed are unsaferow, kryo");
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    SerializationStream stream = serializer.serializeStream(all);
    ClassTag<Object> any = ClassTag$.MODULE$.Any();
    for (Product2<Object, Object> record : records) {
      stream.writeKey(record._1(), any);
      stream.writeValue(record._2(), any);
    }
    stream.close();
    serialized = all.toByteArray();
    sink = new ByteArrayOutputStream(serialized.length);
    compress();
    compressed = sink.toByteArray();
    buffer = new byte[64 * 1024];

    write(new Moved());
    blocks = new byte[partitions][];
    int offset = 0;
    for (int p = 0; p < partitions; p++) {
      int length = (int) output.lastLengths[p];
      blocks[p] = java.util.Arrays.copyOfRange(output.lastOutput, offset, offset + length);
      offset += length;
    }
    // the measured writes do not read their output back
    output.keepLastOutput = false;
    output.lastOutput = null;
    long readRecords = read(new Moved(), null);
    if (readRecords != RECORDS) {
      throw new IllegalStateException(
          "read " + readRecords + " records of " + RECORDS + " written");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    support.close();
  }

  @Benchmark
  public long write(Moved moved) throws IOException {
    TempFileTracker<SpillFile> spillFiles =
        new TempFileTracker<>(SpillFileSource.directory(support.spillDirectory.toFile()));
    MapTaskContext task =
        new MapTaskContext(
            0,
            mapId++,
            partitions,
            settings,
            support.taskMemoryManager,
            serializer,
            support.serializerManager,
            spillFiles,
            new TaskMetrics());
    SpillwayShuffleWriter<Object, Object> writer =
        new SpillwayShuffleWriter<>(
            partitioner,
            RowChecksums.NONE,
            task,
            new SerializedMapOutputBuffer<>(task),
            new ShuffleWriteMetrics(),
            output,
            BlockManagerId.apply("bench", "localhost", 7077, Option.empty()),
            SparkVersionBridge.forRunningSpark());
    writer.write(
        rowBytes != null
            ? new ReusedRowIterator(rowBytes, rowPartitions)
            : CollectionConverters.asScala(records.iterator()));
    writer.stop(true);
    moved.bytes += serialized.length;
    return output.lastOutputBytes;
  }

  @Benchmark
  public long read(Moved moved, Blackhole consumer) throws IOException {
    long count = 0;
    // one per reduce task, as Spillway's reader has
    BlockInputStreams streams = new BlockInputStreams(support.serializerManager, settings.codec());
    for (int p = 0; p < partitions; p++) {
      InputStream block =
          streams.wrap(new ShuffleBlockId(0, 0, p), new ByteArrayInputStream(blocks[p]));
      // what Spillway's reader decodes with: SQL rows by UnsafeRowDecoder, others by the stream
      scala.collection.Iterator<Tuple2<Object, Object>> it =
          rowDecoder != null
              ? rowDecoder.rows(block)
              : serializer.deserializeStream(block).asKeyValueIterator();
      while (it.hasNext()) {
        Tuple2<Object, Object> record = it.next();
        if (consumer != null) {
          consumer.consume(record._1());
          consumer.consume(record._2());
        }
        count++;
      }
    }
    moved.bytes += serialized.length;
    return count;
  }

  @Benchmark
  public int lz4Compress(Moved moved) throws IOException {
    moved.bytes += serialized.length;
    return compress();
  }

  @Benchmark
  public long lz4Decompress(Moved moved) throws IOException {
    long total = 0;
    try (InputStream in = codec.compressedInputStream(new ByteArrayInputStream(compressed))) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
    }
    moved.bytes += serialized.length;
    return total;
  }

  /** Compresses {@link #serialized} into the reused sink; returns the compressed size. */
  private int compress() throws IOException {
    sink.reset();
    try (OutputStream out = codec.compressedOutputStream(sink)) {
      out.write(serialized);
    }
    return sink.size();
  }

  /**
   * What a SQL exchange hands its shuffle writer: one {@link MutablePair} of (partition id, row),
   * updated per record, and one UnsafeRow pointed at each row's bytes in turn.
   */
  static final class ReusedRowIterator extends AbstractIterator<Product2<Object, Object>> {
    private final byte[] rowBytes;
    private final int[] partitions;
    private final UnsafeRow row = new UnsafeRow(3);
    private final MutablePair<Object, Object> pair = new MutablePair<>();
    private int next;

    ReusedRowIterator(byte[] rowBytes, int[] partitions) {
      this.rowBytes = rowBytes;
      this.partitions = partitions;
    }

    @Override
    public boolean hasNext() {
      return next < partitions.length;
    }

    @Override
    public Product2<Object, Object> next() {
      row.pointTo(rowBytes, Platform.BYTE_ARRAY_OFFSET + (long) next * ROW_BYTES, ROW_BYTES);
      pair.update(partitions[next], row);
      next++;
      return pair;
    }
  }

  /** A SQL exchange's partitioner: the record's key is already its partition id. */
  static final class PartitionIdPassthrough extends Partitioner {
    private final int partitions;

    PartitionIdPassthrough(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }
  }
}
