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

import io.spillway.io.Closeables;
import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.write.merge.MergePlan;
import io.spillway.spill.PartitionSink;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.util.SizeEstimator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The object path, for serializers whose output cannot be cut and concatenated (Java
 * serialization, Kryo without auto-reset) and for shuffles with more than 2^24 partitions.
 *
 * <p>Records are kept as objects with their partition ids. Memory is accounted through a {@link
 * TaskMemoryConsumer}: the size of a record is measured with Spark's {@link SizeEstimator} on a
 * sample (every record at first, then one in {@value #SAMPLE_INTERVAL}) and the running average
 * times the record count, plus the arrays themselves, is what the buffer asks the task for. When
 * the task cannot grant it, the records are sorted by partition (stable) and spilled, each
 * partition as its own serialization stream; spills are merged by decoding and re-encoding.
 *
 * <p>Keeping references is allowed here: Spark SQL, the one caller that reuses row objects, only
 * avoids copying rows when the serializer is relocatable, which never reaches this class.
 */
public final class ObjectMapOutputBuffer<K, V> extends SpillingMapOutputBuffer<K, V> {
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();
  private static final int SAMPLE_INTERVAL = 64;
  private static final int INITIAL_CAPACITY = 1024;
  /**
   * Per slot: a key and a value reference and an int partition id, plus the {@code long} of the
   * sort order {@link #writeSorted} builds at spill time. That scratch array is reserved ahead
   * with the others because a spill must not ask the task for memory (it may be running inside
   * another consumer's request).
   */
  private static final long ARRAY_BYTES_PER_SLOT = 8 + 8 + 4 + 8;
  private static final long MINIMUM_MEMORY_REQUEST_BYTES = 1L << 20;

  private Object[] keys = new Object[INITIAL_CAPACITY];
  private Object[] values = new Object[INITIAL_CAPACITY];
  private int[] partitionIds = new int[INITIAL_CAPACITY];
  private int size;
  private long sampledRecords;
  private long sampledBytes;
  private long grantedBytes;
  private boolean insertInProgress;

  public ObjectMapOutputBuffer(MapTaskContext task) {
    super(task, TaskMemoryConsumer.onHeap(task.taskMemoryManager()));
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (size >= task.settings().forceSpillRecords()) {
      spill();
    }
    insertInProgress = true;
    try {
      if (size == keys.length) {
        int capacity = keys.length * 2;
        keys = Arrays.copyOf(keys, capacity);
        values = Arrays.copyOf(values, capacity);
        partitionIds = Arrays.copyOf(partitionIds, capacity);
      }
      keys[size] = key;
      values[size] = value;
      partitionIds[size] = partitionId;
      size++;
      if (recordsInserted < SAMPLE_INTERVAL || recordsInserted % SAMPLE_INTERVAL == 0) {
        sampledBytes += SizeEstimator.estimate(key) + SizeEstimator.estimate(value);
        sampledRecords++;
      }
      recordsInserted++;
    } finally {
      insertInProgress = false;
    }
    reserveMemoryOrSpill();
  }

  /** Estimated bytes held: records by the sampled average, plus the arrays. */
  long estimatedBytes() {
    long perRecord = sampledRecords == 0 ? 0 : sampledBytes / sampledRecords;
    return size * perRecord + keys.length * ARRAY_BYTES_PER_SLOT;
  }

  private void reserveMemoryOrSpill() throws IOException {
    long estimate = estimatedBytes();
    if (estimate <= grantedBytes) {
      return;
    }
    // ask for twice what is used, as Spark's Spillable does, so requests stay rare
    long wanted = Math.max(MINIMUM_MEMORY_REQUEST_BYTES, 2 * estimate - grantedBytes);
    // acquire first: the request may spill this buffer, which releases and zeroes grantedBytes
    long granted = memory.acquireBytes(wanted);
    grantedBytes += granted;
    if (estimatedBytes() > grantedBytes && size > 0) {
      spill();
    }
  }

  @Override
  long bytesInMemory() {
    return estimatedBytes();
  }

  @Override
  int recordsInMemory() {
    return size;
  }

  @Override
  boolean insertInProgress() {
    return insertInProgress;
  }

  @Override
  void writeRecordsInPartitionOrder(PartitionSink sink) throws IOException {
    writeSorted(sink);
  }

  @Override
  long releaseRecords() {
    long released = grantedBytes;
    clearRecords();
    return released;
  }

  @Override
  MergePlan choosePlan(long bytesInMemory, int recordsInMemory) {
    return MergePlan.reserializing(task.serializerManager().encryptionEnabled());
  }

  /**
   * Streams the records to {@code sink} in partition order, insertion order within a partition:
   * sorting {@code (partitionId << 32 | index)} keys is stable and needs no per-partition array,
   * which matters beyond 2^24 partitions.
   */
  private void writeSorted(PartitionSink sink) throws IOException {
    long[] order = new long[size];
    for (int i = 0; i < size; i++) {
      order[i] = ((long) partitionIds[i] << 32) | i;
    }
    Arrays.sort(order);
    int currentPartition = -1;
    SerializationStream out = null;
    try {
      for (long entry : order) {
        int partitionId = (int) (entry >>> 32);
        int index = (int) entry;
        if (partitionId != currentPartition) {
          if (out != null) {
            out.close();
          }
          currentPartition = partitionId;
          out = task.serializer().serializeStream(sink.openPartition(partitionId));
        }
        out.writeKey(keys[index], OBJECT_TAG);
        out.writeValue(values[index], OBJECT_TAG);
      }
      if (out != null) {
        out.close();
        out = null;
      }
    } catch (IOException | RuntimeException | Error e) {
      if (out != null) {
        Closeables.closeWhileFailing(out::close, e);
      }
      throw e;
    }
  }

  private void clearRecords() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    if (grantedBytes > 0) {
      memory.releaseBytes(grantedBytes);
      grantedBytes = 0;
    }
  }
}
