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
package io.spillway.write;

import io.spillway.config.MergeStrategyOption;
import io.spillway.config.WriteSettings;
import io.spillway.io.TempFileTracker;
import io.spillway.spark.RowChecksums;
import io.spillway.spark.SparkVersionBridge;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import io.spillway.write.sort.SerializedRecordStore.RecordLayout;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Adler32;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.security.CryptoStreamUtils;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.ShuffleBlockId;
import scala.Option;
import scala.Tuple2;

/**
 * One map task's writer, wired to fakes and Spark's test memory manager: the unit under test is
 * everything from {@code write(records)} to the committed bytes.
 */
final class WriterHarness {
  static final int SHUFFLE_ID = 3;
  static final long MAP_ID = 11;

  final SparkConf conf;
  final Serializer serializer;
  final SerializerManager serializerManager;
  final TestMemoryManager memoryManager;
  final TaskMemoryManager taskMemoryManager;
  final TaskMetrics taskMetrics = new TaskMetrics();
  final ShuffleWriteMetrics writeMetrics = new ShuffleWriteMetrics();
  final InMemoryShuffleOutput output = new InMemoryShuffleOutput();
  final TempFileTracker<SpillFile> tracker;
  final int numPartitions;
  final MapOutputBuffer<Object, Object> buffer;
  final SpillwayShuffleWriter<Object, Object> writer;
  final WriteSettings settings;
  final MapTaskContext task;

  /** Which map output buffer the harness's writer uses, and with it the serializer. */
  enum BufferKind {
    /** Kryo, {@link SerializedMapOutputBuffer}. */
    SERIALIZED,
    /** Java serialization, {@link PartitionStreamsMapOutputBuffer}. */
    PARTITION_STREAMS,
    /** Java serialization, {@link ObjectMapOutputBuffer}. */
    OBJECT;

    boolean kryo() {
      return this == SERIALIZED;
    }
  }

  /**
   * @param codec a {@code spark.io.compression.codec} value, or "none" for no compression
   * @param kryo Kryo (serialized path) or Java serialization (object path)
   */
  WriterHarness(
      File spillDirectory,
      String codec,
      boolean encryption,
      boolean kryo,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    this(
        SpillFileSource.directory(spillDirectory),
        codec,
        encryption,
        kryo,
        strategy,
        numPartitions,
        maxOpenFiles,
        extraConf);
  }

  /** A harness whose spill files come from {@code spillSource}. */
  WriterHarness(
      SpillFileSource spillSource,
      String codec,
      boolean encryption,
      boolean kryo,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    this(
        spillSource,
        codec,
        encryption,
        kryo ? BufferKind.SERIALIZED : BufferKind.OBJECT,
        null,
        strategy,
        numPartitions,
        maxOpenFiles,
        extraConf);
  }

  /** A harness whose writer uses a buffer of {@code kind}. */
  WriterHarness(
      File spillDirectory,
      String codec,
      boolean encryption,
      BufferKind kind,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    this(
        SpillFileSource.directory(spillDirectory),
        codec,
        encryption,
        kind,
        null,
        strategy,
        numPartitions,
        maxOpenFiles,
        extraConf);
  }

  /** A harness whose writer uses a buffer of {@code kind} and whose spills come from a source. */
  WriterHarness(
      SpillFileSource spillSource,
      String codec,
      boolean encryption,
      BufferKind kind,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    this(
        spillSource,
        codec,
        encryption,
        kind,
        null,
        strategy,
        numPartitions,
        maxOpenFiles,
        extraConf);
  }

  /**
   * A harness whose serialized path (kryo) keeps its records in {@code layout}; null: the layout
   * the writer would choose.
   */
  WriterHarness(
      File spillDirectory,
      String codec,
      boolean encryption,
      boolean kryo,
      RecordLayout layout,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    this(
        SpillFileSource.directory(spillDirectory),
        codec,
        encryption,
        kryo ? BufferKind.SERIALIZED : BufferKind.OBJECT,
        layout,
        strategy,
        numPartitions,
        maxOpenFiles,
        extraConf);
  }

  private WriterHarness(
      SpillFileSource spillSource,
      String codec,
      boolean encryption,
      BufferKind kind,
      RecordLayout layout,
      MergeStrategyOption strategy,
      int numPartitions,
      int maxOpenFiles,
      SparkConf extraConf) {
    boolean kryo = kind.kryo();
    conf =
        new SparkConf(false)
            .set("spark.shuffle.compress", String.valueOf(!codec.equals("none")))
            .set("spark.io.compression.codec", codec.equals("none") ? "lz4" : codec)
            .set("spark.io.encryption.enabled", String.valueOf(encryption))
            .set("spark.buffer.pageSize", "1m")
            .setAll(scala.Predef.wrapRefArray(extraConf.getAll()));
    serializer = kryo ? new KryoSerializer(conf) : new JavaSerializer(conf);
    Option<byte[]> key =
        encryption ? Option.apply(CryptoStreamUtils.createKey(conf)) : Option.empty();
    serializerManager = new SerializerManager(serializer, conf, key);
    memoryManager = new TestMemoryManager(conf);
    taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
    tracker = new TempFileTracker<>(spillSource);
    this.numPartitions = numPartitions;
    settings =
        WriteSettings.fromSparkConf(conf)
            .withMergeStrategy(strategy)
            .withMaxOpenFiles(maxOpenFiles);
    task =
        new MapTaskContext(
            SHUFFLE_ID,
            MAP_ID,
            numPartitions,
            settings,
            taskMemoryManager,
            serializer.newInstance(),
            serializerManager,
            tracker,
            taskMetrics);
    buffer =
        switch (kind) {
          case OBJECT -> new ObjectMapOutputBuffer<>(task);
          case PARTITION_STREAMS -> new PartitionStreamsMapOutputBuffer<>(task);
          case SERIALIZED ->
              layout == null
                  ? new SerializedMapOutputBuffer<>(task)
                  : new SerializedMapOutputBuffer<>(task, layout);
        };
    writer =
        new SpillwayShuffleWriter<>(
            new HashPartitioner(numPartitions),
            RowChecksums.NONE,
            task,
            buffer,
            writeMetrics,
            output,
            BlockManagerId.apply("exec-1", "localhost", 7077, Option.empty()),
            SparkVersionBridge.forRunningSpark());
  }

  /** Seeded random records: small integer keys, string values of 0 to 300 chars. */
  static List<Tuple2<Object, Object>> randomRecords(long seed, int count) {
    Random random = new Random(seed);
    List<Tuple2<Object, Object>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int key = random.nextInt(5000) - 100;
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(300);
      for (int c = 0; c < length; c++) {
        value.append((char) ('a' + random.nextInt(26)));
      }
      records.add(new Tuple2<>(key, value.toString()));
    }
    return records;
  }

  /** What each partition must contain, in insertion order. */
  List<List<Tuple2<Object, Object>>> expectedPartitions(List<Tuple2<Object, Object>> records) {
    HashPartitioner partitioner = new HashPartitioner(numPartitions);
    List<List<Tuple2<Object, Object>>> partitions = new ArrayList<>();
    for (int p = 0; p < numPartitions; p++) {
      partitions.add(new ArrayList<>());
    }
    for (Tuple2<Object, Object> record : records) {
      partitions.get(partitioner.getPartition(record._1())).add(record);
    }
    return partitions;
  }

  /** Decodes one committed partition the way a reducer does (decrypt, decompress, deserialize). */
  List<Tuple2<Object, Object>> readPartition(int partitionId) {
    byte[] bytes = output.committed.get(MAP_ID).partitions[partitionId];
    List<Tuple2<Object, Object>> records = new ArrayList<>();
    if (bytes.length == 0) {
      return records;
    }
    InputStream in =
        serializerManager.wrapStream(
            new ShuffleBlockId(SHUFFLE_ID, MAP_ID, partitionId), new ByteArrayInputStream(bytes));
    scala.collection.Iterator<Tuple2<Object, Object>> it =
        serializer.newInstance().deserializeStream(in).asKeyValueIterator();
    while (it.hasNext()) {
      records.add(it.next());
    }
    return records;
  }

  /** Adler32 (Spark's default algorithm) of one committed partition's stored bytes. */
  long storedChecksum(int partitionId) {
    Adler32 adler = new Adler32();
    adler.update(output.committed.get(MAP_ID).partitions[partitionId]);
    return adler.getValue();
  }

  /**
   * Feeds {@code records}, spilling after every {@code spillEvery} records (0: never) and, when
   * {@code spillAtEnd}, once more after the last record.
   */
  scala.collection.Iterator<scala.Product2<Object, Object>> feed(
      List<Tuple2<Object, Object>> records, int spillEvery, boolean spillAtEnd) {
    java.util.Iterator<Tuple2<Object, Object>> source = records.iterator();
    return new scala.collection.AbstractIterator<>() {
      private int served;
      private boolean endSpillDone;

      @Override
      public boolean hasNext() {
        boolean more = source.hasNext();
        if (!more && spillAtEnd && !endSpillDone) {
          endSpillDone = true;
          forceSpill();
        }
        return more;
      }

      @Override
      public scala.Product2<Object, Object> next() {
        if (spillEvery > 0 && served > 0 && served % spillEvery == 0) {
          forceSpill();
        }
        served++;
        return source.next();
      }
    };
  }

  private void forceSpill() {
    try {
      buffer.forceSpill();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
