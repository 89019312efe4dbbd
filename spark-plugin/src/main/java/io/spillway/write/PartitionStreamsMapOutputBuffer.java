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

import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.spill.PartitionSink;
import io.spillway.spill.Spill;
import io.spillway.write.merge.MergePlan;
import io.spillway.write.sort.PartitionSlabs;
import io.spillway.write.sort.SerializedRecordStore;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.unsafe.Platform;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The path for serializers that cannot relocate records (Java serialization), with few
 * partitions: each partition has one serialization stream, opened at its first record and closed
 * when the task's input ends, and the stream's bytes are appended to the partition's slabs
 * ({@link PartitionSlabs}) as the stream emits them.
 *
 * <pre>
 *   partition p's serialization stream (header, records, ..., end), one stream for the task:
 *   | spill 1: bytes emitted so far | spill 2: the next bytes | ... | in memory at the end |
 *     (SERIALIZED segment of p)      (SERIALIZED segment of p)       (last segment of p)
 *   merge: p's segments concatenated, in spill order, through one codec stream = p's block
 * </pre>
 *
 * A spill cuts the stream anywhere, even inside a record: it writes each partition's bytes so
 * far, uncompressed, and frees the slabs, while the streams stay open and go on into new slabs.
 * Concatenated in order, the pieces are the stream again, so the merge only compresses them
 * ({@code compress}, see {@link Spill.SegmentFormat#SERIALIZED}); nothing is decoded. This is
 * what Spark's bypass-merge writer does with a file per partition, with the bytes held in pages
 * from the task's memory manager instead, so a task spills only when memory runs short.
 *
 * <p>What the memory manager does not see: each open stream's own buffer (Java serialization's
 * block buffer and handle table, about a KiB or two), at most {@code
 * spark.shuffle.sort.bypassMergeThreshold} of them, as in Spark's bypass writer.
 */
public final class PartitionStreamsMapOutputBuffer<K, V> extends SpillingMapOutputBuffer<K, V> {
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();

  /** The pages of {@link #slabs}. */
  private final TaskMemoryConsumer memory;

  private final PartitionSlabs slabs;
  private final SerializationStream[] streams;
  private int recordsInMemory;
  private boolean inputFinished;

  /**
   * Whether this buffer suits the task: its partitions fit its pages with a slab each, and IO
   * encryption is off (spills hold SERIALIZED segments, which are not encrypted; with encryption
   * the task takes the object path, whose spills are).
   */
  public static boolean fits(MapTaskContext task) {
    return !task.serializerManager().encryptionEnabled()
        && PartitionSlabs.slabBytesFor(
                SerializedRecordStore.pageSizeBytes(task.taskMemoryManager()), task.numPartitions())
            > 0;
  }

  public PartitionStreamsMapOutputBuffer(MapTaskContext task) {
    super(task);
    this.memory = TaskMemoryConsumer.tungsten(task.taskMemoryManager());
    memory.setSpillHandler(this::spillOnRequest);
    this.slabs =
        new PartitionSlabs(
            memory,
            SerializedRecordStore.pageSizeBytes(task.taskMemoryManager()),
            task.numPartitions(),
            task.settings().diskWriteBufferSizeBytes());
    this.streams = new SerializationStream[task.numPartitions()];
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (slabs.numRecords() > 0
        && (recordsInMemory >= task.settings().forceSpillRecords()
            || slabs.memoryBytes() >= task.settings().forceSpillBytes())) {
      spill();
    }
    SerializationStream stream = streams[partitionId];
    if (stream == null) {
      stream = task.serializer().serializeStream(new PartitionBytes(partitionId));
      streams[partitionId] = stream;
    }
    stream.writeKey(key, OBJECT_TAG);
    stream.writeValue(value, OBJECT_TAG);
    recordsInMemory++;
    recordsInserted++;
  }

  /** Closes every partition's stream, so its last bytes (and its end) are in the slabs. */
  @Override
  public void finishInserts() throws IOException {
    if (inputFinished) {
      return;
    }
    inputFinished = true;
    for (SerializationStream stream : streams) {
      if (stream != null) {
        stream.close();
      }
    }
  }

  /** Records whose bytes (some of them) are in memory; 0 once a spill took everything. */
  @Override
  int recordsInMemory() {
    return slabs.numRecords() == 0 ? 0 : Math.max(1, recordsInMemory);
  }

  @Override
  public long peakMemoryBytes() {
    return memory.peakUsedBytes();
  }

  @Override
  long bytesInMemory() {
    return slabs.dataBytes();
  }

  /** Always {@code compress}: a piece of a stream is not a block, it is compressed with the rest. */
  @Override
  MergePlan choosePlan(long bytesInMemory, int recordsInMemory) {
    return MergePlan.partitionStreams();
  }

  @Override
  boolean insertInProgress() {
    return slabs.isInsertInProgress();
  }

  @Override
  public void spillRemaining() throws IOException {
    requireInputFinished();
    super.spillRemaining();
  }

  @Override
  public long[] writeInMemoryTo(ShuffleMapOutputWriter output) throws IOException {
    requireInputFinished();
    return super.writeInMemoryTo(output);
  }

  private void requireInputFinished() {
    if (!inputFinished) {
      throw new IllegalStateException(
          "finishInserts must close the partition streams before" + " the map output is written");
    }
  }

  @Override
  void writeRecordsInPartitionOrder(PartitionSink sink) throws IOException {
    slabs.writeInPartitionOrder(sink);
  }

  @Override
  long releaseRecords() {
    recordsInMemory = 0;
    return slabs.reset();
  }

  /** Where partition {@code partition}'s serialization stream puts its bytes: the slabs. */
  private final class PartitionBytes extends OutputStream {
    private final int partition;
    private final byte[] oneByte = new byte[1];

    PartitionBytes(int partition) {
      this.partition = partition;
    }

    @Override
    public void write(int b) {
      oneByte[0] = (byte) b;
      write(oneByte, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      if (length > 0) {
        slabs.insertRecord(bytes, Platform.BYTE_ARRAY_OFFSET + offset, length, partition);
      }
    }
  }
}
