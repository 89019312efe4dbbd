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

import io.spillway.io.ExposedByteArrayOutputStream;
import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.spark.UnsafeRowEncoder;
import io.spillway.config.MergeStrategyOption;
import io.spillway.write.merge.SpillMerger;
import io.spillway.write.spill.SpillFile;
import io.spillway.write.sort.PackedRecordPointer;
import io.spillway.write.sort.PageSorter;
import io.spillway.write.sort.PartitionSlabs;
import io.spillway.write.sort.SerializedRecordStore;
import io.spillway.write.sort.SerializedRecordStore.RecordLayout;
import io.spillway.write.spill.PartitionSink;
import java.io.IOException;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.unsafe.Platform;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The serialized path: each record is serialized at once (so the caller may reuse its objects,
 * as Spark SQL does) and its bytes copied into a {@link SerializedRecordStore}: per-partition
 * slabs ({@link PartitionSlabs}) when the shuffle's partitions fit a page with a slab each,
 * otherwise a {@link PageSorter}. A spill writes the records in partition order into one spill
 * file; because the serializer is relocatable and the codec concatenates, spills merge by
 * copying bytes.
 */
public final class SerializedMapOutputBuffer<K, V> extends SpillingMapOutputBuffer<K, V> {
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();
  private static final int INITIAL_SERIALIZATION_BUFFER_BYTES = 1024 * 1024;

  private final SerializedRecordStore records;
  private final ExposedByteArrayOutputStream serializationBuffer;
  private final SerializationStream serializationStream;
  /** The pages and the pointer array of {@link #records}. */
  private final TaskMemoryConsumer memory;
  /** Spark SQL's rows, written without the serialization stream; null for other serializers. */
  private final UnsafeRowEncoder rowEncoder;

  /** A buffer with the layout {@link RecordLayout#choose} picks for the task's shuffle. */
  public SerializedMapOutputBuffer(MapTaskContext task) {
    this(task, RecordLayout.choose(pageSizeBytes(task), task.numPartitions()));
  }

  /** A buffer with the given layout (tests and benchmarks compare the two). */
  public SerializedMapOutputBuffer(MapTaskContext task, RecordLayout layout) {
    super(task);
    this.memory = TaskMemoryConsumer.tungsten(task.taskMemoryManager());
    memory.setSpillHandler(this::spillOnRequest);
    this.records = layout == RecordLayout.PARTITION_SLABS
        ? new PartitionSlabs(memory, pageSizeBytes(task), task.numPartitions(),
            task.settings().diskWriteBufferSizeBytes())
        : new PageSorter(memory, task.numPartitions(), task.settings().initialPointerSlots(),
            task.settings().diskWriteBufferSizeBytes());
    this.serializationBuffer = new ExposedByteArrayOutputStream(INITIAL_SERIALIZATION_BUFFER_BYTES);
    this.serializationStream = task.serializer().serializeStream(serializationBuffer);
    this.rowEncoder = UnsafeRowEncoder.forSerializer(task.serializer());
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (records.numRecords() >= task.settings().forceSpillRecords()
        || records.memoryBytes() >= task.settings().forceSpillBytes()) {
      spill();
    }
    byte[] bytes;
    int length;
    if (rowEncoder != null) {
      length = rowEncoder.encode(value);
      bytes = rowEncoder.buffer();
    } else {
      serializationBuffer.reset();
      serializationStream.writeKey(key, OBJECT_TAG);
      serializationStream.writeValue(value, OBJECT_TAG);
      serializationStream.flush();
      length = serializationBuffer.size();
      bytes = serializationBuffer.buffer();
    }
    try {
      records.insertRecord(bytes, Platform.BYTE_ARRAY_OFFSET, length, partitionId);
    } catch (PageSorter.PointerArrayFullException e) {
      spill();
      records.insertRecord(bytes, Platform.BYTE_ARRAY_OFFSET, length, partitionId);
    }
    recordsInserted++;
  }

  private static long pageSizeBytes(MapTaskContext task) {
    return Math.min(PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES,
        task.taskMemoryManager().pageSizeBytes());
  }

  @Override
  int recordsInMemory() {
    return records.numRecords();
  }

  @Override
  public long peakMemoryBytes() {
    return memory.peakUsedBytes();
  }

  @Override
  long bytesInMemory() {
    return records.dataBytes();
  }

  /**
   * SERIALIZED when the merge is Spillway's to choose ({@code spark.spillway.merge.strategy=auto}),
   * the output is compressed and not encrypted (a cipher stream per segment would be needed
   * anyway), and the average segment, bytes over min(partitions, records), is small.
   */
  @Override
  SpillFile.SegmentFormat chooseSegmentFormat(long bytesInMemory, int recordsInMemory) {
    boolean allowed = task.settings().mergeStrategy() == MergeStrategyOption.AUTO
        && task.settings().compressShuffle()
        && !task.serializerManager().encryptionEnabled();
    long segments = Math.max(1, Math.min(task.numPartitions(), recordsInMemory));
    return allowed && bytesInMemory / segments < SERIALIZED_SEGMENT_BYTES
        ? SpillFile.SegmentFormat.SERIALIZED : SpillFile.SegmentFormat.OUTPUT;
  }

  @Override
  boolean insertInProgress() {
    return records.isInsertInProgress();
  }

  @Override
  void writeRecordsInPartitionOrder(PartitionSink sink) throws IOException {
    records.writeInPartitionOrder(sink);
  }

  @Override
  long releaseRecords() {
    return records.reset();
  }

  @Override
  SpillMerger newMerger() {
    return new SpillMerger(task.settings(), task.serializerManager(), task.spillFiles(),
        task.numPartitions());
  }
}
