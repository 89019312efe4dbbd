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
package io.spillway.memory;

import java.io.IOException;
import java.util.Objects;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.SparkOutOfMemoryError;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.unsafe.array.LongArray;
import org.apache.spark.unsafe.memory.MemoryBlock;

/**
 * The {@link MemoryConsumer} through which a map output buffer takes Spark's memory blocks (data
 * pages and pointer arrays) from the task's {@link TaskMemoryManager}. It opens the allocation
 * methods to its owner, keeps the peak of what it held, and forwards spill requests, its own
 * included (a page request is a safe point of its owner), to a {@link SpillHandler}. Heap
 * objects a structure sizes itself are reserved through a {@link MemoryReservation} instead.
 *
 * <p>Why a delegate instead of having sorters extend {@code MemoryConsumer}: the sorters stay
 * small and testable, the memory rules live in one class, and the spill request carries a plain
 * "did I ask for it" flag instead of a consumer identity.
 */
public final class TaskMemoryConsumer extends MemoryConsumer {
  private final TaskMemoryManager taskMemoryManager;
  private SpillHandler spillHandler;
  private long peakUsedBytes;

  /**
   * A consumer of the task's tungsten mode (off-heap iff {@code spark.memory.offHeap.enabled})
   * whose pages are exactly the size its owner asks for: {@code MemoryConsumer.allocatePage}
   * rounds a request up to the consumer's page size, given here as one byte, so that a request
   * can shrink below Spark's page size when the pool has less ({@link
   * #allocateDataPageShrinking}). Owners ask for Spark's page size themselves.
   */
  public static TaskMemoryConsumer tungsten(TaskMemoryManager taskMemoryManager) {
    return new TaskMemoryConsumer(taskMemoryManager, 1, taskMemoryManager.getTungstenMemoryMode());
  }

  private TaskMemoryConsumer(
      TaskMemoryManager taskMemoryManager, long pageSizeBytes, MemoryMode mode) {
    super(taskMemoryManager, pageSizeBytes, mode);
    this.taskMemoryManager = taskMemoryManager;
  }

  /** Sets who is asked to spill; until then spill requests free nothing. */
  public void setSpillHandler(SpillHandler handler) {
    this.spillHandler = Objects.requireNonNull(handler, "handler is null");
  }

  public TaskMemoryManager taskMemoryManager() {
    return taskMemoryManager;
  }

  @Override
  public long spill(long size, MemoryConsumer trigger) throws IOException {
    SpillHandler handler = spillHandler;
    return handler == null ? 0 : handler.spill(size, trigger == this);
  }

  /** A page of exactly {@code bytes} (tungsten consumers; see {@link #tungsten}). */
  public MemoryBlock allocateDataPage(long bytes) {
    MemoryBlock page = allocatePage(bytes);
    notePeak();
    return page;
  }

  /**
   * A page of {@code wantedBytes} or, when the memory manager cannot grant that much (another
   * consumer of the task holds memory it cannot give back now, such as a combiner whose output
   * this task is writing), the first of wanted/2, wanted/4, ... down to {@code requiredBytes} that
   * it can: a smaller page still takes the record at hand and more. Every attempt may spill this
   * consumer's owner first. Only with a {@link #tungsten} consumer does a request below Spark's
   * page size stay below it.
   *
   * @throws SparkOutOfMemoryError when not even {@code requiredBytes} can be had
   */
  public MemoryBlock allocateDataPageShrinking(long wantedBytes, long requiredBytes) {
    long size = Math.max(wantedBytes, requiredBytes);
    while (true) {
      try {
        return allocateDataPage(size);
      } catch (SparkOutOfMemoryError e) {
        if (size <= requiredBytes) {
          throw e;
        }
        size = Math.max(requiredBytes, size / 2);
      }
    }
  }

  public void freeDataPage(MemoryBlock page) {
    freePage(page);
  }

  public LongArray allocateLongArray(long slots) {
    LongArray array = allocateArray(slots);
    notePeak();
    return array;
  }

  public void freeLongArray(LongArray array) {
    freeArray(array);
  }

  /** The most this consumer held at once. */
  public long peakUsedBytes() {
    return Math.max(peakUsedBytes, getUsed());
  }

  private void notePeak() {
    peakUsedBytes = Math.max(peakUsedBytes, getUsed());
  }
}
