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
import io.spillway.spill.PartitionSink;
import io.spillway.write.merge.MergePlan;
import io.spillway.write.sort.PageSorter;
import io.spillway.write.sort.PartitionSlabs;
import io.spillway.write.sort.SerializedRecordStore;
import io.spillway.write.sort.SerializedRecordStore.RecordLayout;
import java.io.IOException;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.unsafe.Platform;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The serialized path: each record is serialized at once (so the caller may reuse its objects,
 * as Spark SQL does) and its bytes copied into a {@link SerializedRecordStore} (Spark SQL's rows,
 * already bytes, are copied straight from the row, {@link UnsafeRowEncoder}): per-partition
 * slabs ({@link PartitionSlabs}) when the shuffle's partitions fit a page with a slab each,
 * otherwise a {@link PageSorter}. A spill writes the records in partition order into one spill
 * file; because the serializer is relocatable and the codec concatenates, spills merge by
 * copying bytes.
 */
public final class SerializedMapOutputBuffer<K, V> extends SpillingMapOutputBuffer<K, V> {
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();

  /**
   * Holds one record at a time and grows for a larger one. Small on purpose: a byte array of half
   * a G1 region or more (512 KiB on heaps under 2 GiB) is a humongous object, allocated outside
   * the young generation for every map task.
   */
  private static final int INITIAL_SERIALIZATION_BUFFER_BYTES = 64 * 1024;

  private final SerializedRecordStore records;

  /** The serializer's stream and its buffer; null when {@link #rowEncoder} writes the rows. */
  private final ExposedByteArrayOutputStream serializationBuffer;

  private final SerializationStream serializationStream;

  /** The pages and the pointer array of {@link #records}. */
  private final TaskMemoryConsumer memory;

  /** Spark SQL's rows, written without a serialization stream; null for other serializers. */
  private final UnsafeRowEncoder rowEncoder;

  /** A buffer with the layout {@link RecordLayout#choose} picks for the task's shuffle. */
  public SerializedMapOutputBuffer(MapTaskContext task) {
    this(
        task,
        RecordLayout.choose(
            SerializedRecordStore.pageSizeBytes(task.taskMemoryManager()), task.numPartitions()));
  }

  /** A buffer with the given layout (tests and benchmarks compare the two). */
  public SerializedMapOutputBuffer(MapTaskContext task, RecordLayout layout) {
    super(task);
    this.memory = TaskMemoryConsumer.tungsten(task.taskMemoryManager());
    memory.setSpillHandler(this::spillOnRequest);
    long pageSizeBytes = SerializedRecordStore.pageSizeBytes(task.taskMemoryManager());
    this.records =
        layout == RecordLayout.PARTITION_SLABS
            ? new PartitionSlabs(
                memory,
                pageSizeBytes,
                task.numPartitions(),
                task.settings().diskWriteBufferSizeBytes())
            : new PageSorter(
                memory,
                pageSizeBytes,
                task.numPartitions(),
                task.settings().initialPointerSlots(),
                task.settings().diskWriteBufferSizeBytes());
    this.rowEncoder = UnsafeRowEncoder.forSerializer(task.serializer());
    // Spark SQL's rows bypass the serializer, so they need no stream (and its buffers)
    this.serializationBuffer =
        rowEncoder != null
            ? null
            : new ExposedByteArrayOutputStream(INITIAL_SERIALIZATION_BUFFER_BYTES);
    this.serializationStream =
        rowEncoder != null ? null : task.serializer().serializeStream(serializationBuffer);
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (records.numRecords() >= task.settings().forceSpillRecords()
        || records.memoryBytes() >= task.settings().forceSpillBytes()) {
      spill();
    }
    if (rowEncoder != null) {
      try {
        rowEncoder.insert(value, records, partitionId);
      } catch (PageSorter.PointerArrayFullException e) {
        spill();
        rowEncoder.insert(value, records, partitionId);
      }
    } else {
      serializationBuffer.reset();
      serializationStream.writeKey(key, OBJECT_TAG);
      serializationStream.writeValue(value, OBJECT_TAG);
      serializationStream.flush();
      byte[] bytes = serializationBuffer.buffer();
      int length = serializationBuffer.size();
      try {
        records.insertRecord(bytes, Platform.BYTE_ARRAY_OFFSET, length, partitionId);
      } catch (PageSorter.PointerArrayFullException e) {
        spill();
        records.insertRecord(bytes, Platform.BYTE_ARRAY_OFFSET, length, partitionId);
      }
    }
    recordsInserted++;
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

  /** Records are relocatable here: their bytes may be concatenated, compressed or not. */
  @Override
  MergePlan choosePlan(long bytesInMemory, int recordsInMemory) {
    return MergePlan.forSerializedPath(
        task.settings(),
        task.serializerManager().encryptionEnabled(),
        bytesInMemory,
        recordsInMemory,
        task.numPartitions());
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
}
