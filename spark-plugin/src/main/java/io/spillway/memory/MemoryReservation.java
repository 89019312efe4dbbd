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

import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * The one budget for heap memory a Spillway structure holds (a combiner map, a sort buffer, the
 * object path's record arrays and their sort scratch, a group's list of values): bytes reserved
 * from Spark's {@link TaskMemoryManager} as ON_HEAP execution memory before they are used. Pages
 * and pointer arrays, which Spark allocates itself, go through {@link TaskMemoryConsumer}
 * instead; those are Spark's memory blocks, these are the owner's own objects, sized with an
 * {@link EntrySizeSampler} and {@link ReferenceArrays}.
 *
 * <p><b>Growth policy</b>, the same for every owner: when the estimate passes what is reserved,
 * {@link #tryGrow} asks for twice the need (so the number of requests grows with the logarithm of
 * the data, as Spark's {@code Spillable} does) and keeps whatever is granted. A short grant is the
 * owner's signal to spill (or flush) and {@link #releaseAll()}. A one-off need that is returned
 * right after (a sort's scratch) takes {@link #tryGrowExactly} and {@link #releaseDownTo}.
 *
 * <p><b>Spill requests</b> ({@link #spill(long, MemoryConsumer)}), the contract of Spark's
 * {@code Spillable}:
 * <ul>
 *   <li>From this reservation itself ({@code trigger == this}, inside our own {@link #tryGrow}):
 *       nothing is freed there; the short grant returns and the owner spills at its next safe
 *       point, which frees the same memory without spilling re-entrantly.
 *   <li>From another consumer of the task, on the thread that created this reservation (the
 *       task thread, for example a shuffle writer or a second combiner of the same task asking
 *       for memory): the owner's {@link SpillHandler} spills if the structure is between two
 *       records, gives the memory back and returns the bytes it released.
 *   <li>From any other thread (Spark runs some consumers of a task on helper threads): nothing,
 *       because the structures here are not thread-safe and the owner may be mutating them.
 *       Spark's {@code ShuffleExternalSorter} refuses such requests for the same reason.
 * </ul>
 * Without a handler (a structure with no safe point to offer) every request frees nothing.
 */
public final class MemoryReservation extends MemoryConsumer {

  private final String ownerName;
  private final Thread ownerThread;
  private SpillHandler spillHandler;
  private long peakReservedBytes;

  public MemoryReservation(TaskMemoryManager taskMemoryManager, String ownerName) {
    super(taskMemoryManager, MemoryMode.ON_HEAP);
    this.ownerName = ownerName;
    this.ownerThread = Thread.currentThread();
  }

  /**
   * Sets who is asked when another consumer of the task needs memory; called on the thread that
   * will own the structure, before it takes memory. The handler is only called on that thread,
   * with {@code requestedByItself == false}.
   */
  public void setSpillHandler(SpillHandler handler) {
    this.spillHandler = java.util.Objects.requireNonNull(handler, "handler is null");
  }

  /**
   * Makes sure at least {@code neededBytes} are reserved, asking for twice that (the growth
   * policy, see the class comment) and keeping whatever is granted.
   *
   * @return true when the reservation now covers {@code neededBytes}
   */
  public boolean tryGrow(long neededBytes) {
    return growTo(neededBytes, 2 * neededBytes);
  }

  /**
   * Makes sure at least {@code neededBytes} are reserved, asking for exactly the shortfall: for a
   * one-off need that will not grow, such as scratch space that {@link #releaseDownTo} returns
   * right after. A partial grant is kept.
   *
   * @return true when the reservation now covers {@code neededBytes}
   */
  public boolean tryGrowExactly(long neededBytes) {
    return growTo(neededBytes, neededBytes);
  }

  /** Unless {@code neededBytes} are reserved, asks for enough to hold {@code wantedBytes}; keeps a partial grant. */
  private boolean growTo(long neededBytes, long wantedBytes) {
    // getUsed(), never the inherited field: MemoryConsumer.used is a long up to Spark 4.1 and an
    // AtomicLong from 4.2 on, so touching it breaks binary compatibility across versions.
    if (neededBytes <= getUsed()) {
      return true;
    }
    acquireMemory(wantedBytes - getUsed());
    peakReservedBytes = Math.max(peakReservedBytes, getUsed());
    return getUsed() >= neededBytes;
  }

  /** Returns reserved bytes above {@code bytes} to the task memory manager. */
  public void releaseDownTo(long bytes) {
    if (getUsed() > bytes) {
      freeMemory(getUsed() - Math.max(0, bytes));
    }
  }

  /** Returns every reserved byte to the task memory manager; idempotent. Returns the bytes released. */
  public long releaseAll() {
    long released = getUsed();
    if (released > 0) {
      freeMemory(released);
    }
    return released;
  }

  public long reservedBytes() {
    return getUsed();
  }

  /** The most this reservation held at once. */
  public long peakReservedBytes() {
    return peakReservedBytes;
  }

  @Override
  public long spill(long size, MemoryConsumer trigger) throws java.io.IOException {
    SpillHandler handler = spillHandler;
    if (handler == null
        || trigger == this
        || Thread.currentThread() != ownerThread
        || getUsed() == 0) {
      return 0L;
    }
    return handler.spill(size, false);
  }

  @Override
  public String toString() {
    return "MemoryReservation(" + ownerName + ", " + getUsed() + " bytes)";
  }
}
