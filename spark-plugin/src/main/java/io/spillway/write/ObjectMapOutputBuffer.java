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
import io.spillway.memory.EntrySizeSampler;
import io.spillway.memory.MemoryReservation;
import io.spillway.memory.ReferenceArrays;
import io.spillway.spill.PartitionSink;
import io.spillway.write.merge.MergePlan;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.serializer.SerializationStream;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The object path, for serializers whose output cannot be cut and concatenated (Java
 * serialization, Kryo without auto-reset) and for shuffles with more than 2^24 partitions.
 *
 * <p>Records are kept as objects with their partition ids. Their size is estimated by an {@link
 * EntrySizeSampler}; that, the three arrays and the sort's scratch ({@link #estimatedBytes}) are
 * reserved through a {@link MemoryReservation} before a record is kept. When the task cannot
 * grant it, the records are sorted by partition (stable) and spilled, each partition as its own
 * serialization stream; spills are merged by decoding and re-encoding.
 *
 * <p>Keeping references is allowed here: Spark SQL, the one caller that reuses row objects, only
 * avoids copying rows when the serializer is relocatable, which never reaches this class.
 */
public final class ObjectMapOutputBuffer<K, V> extends SpillingMapOutputBuffer<K, V> {
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();
  private static final int INITIAL_CAPACITY = 1024;

  private Object[] keys = new Object[INITIAL_CAPACITY];
  private Object[] values = new Object[INITIAL_CAPACITY];
  private int[] partitionIds = new int[INITIAL_CAPACITY];
  private int size;
  private final MemoryReservation memory;
  private final EntrySizeSampler recordSizes = new EntrySizeSampler();
  private boolean insertInProgress;

  public ObjectMapOutputBuffer(MapTaskContext task) {
    super(task);
    this.memory =
        new MemoryReservation(
            task.taskMemoryManager(),
            "object map output buffer of shuffle " + task.shuffleId() + ", map " + task.mapId());
    memory.setSpillHandler(this::spillOnRequest);
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
      recordSizes.inserted(key, value);
      recordsInserted++;
    } finally {
      insertInProgress = false;
    }
    reserveMemoryOrSpill();
  }

  /**
   * Estimated bytes held: the records, the three arrays, and the sort's scratch, {@link
   * #sortScratchBytes}. The scratch is reserved ahead with the rest because a spill must not ask
   * the task for memory (it may be running inside another consumer's request).
   */
  long estimatedBytes() {
    long capacity = keys.length;
    return recordSizes.estimatedBytes()
        + 2 * ReferenceArrays.bytes(capacity)
        + ReferenceArrays.primitiveArrayBytes(capacity, Integer.BYTES)
        + sortScratchBytes(size);
  }

  /**
   * What {@link #writeSorted} allocates for {@code records}: the {@code long[]} sort order, and
   * the buffer of the same length {@code Arrays.sort} takes when it merges presorted runs.
   */
  static long sortScratchBytes(int records) {
    return 2 * ReferenceArrays.primitiveArrayBytes(records, Long.BYTES);
  }

  private void reserveMemoryOrSpill() throws IOException {
    long estimate = estimatedBytes();
    if (estimate > memory.reservedBytes() && !memory.tryGrow(estimate) && size > 0) {
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
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    recordSizes.reset();
    return memory.releaseAll();
  }

  @Override
  public long peakMemoryBytes() {
    return memory.peakReservedBytes();
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
}
