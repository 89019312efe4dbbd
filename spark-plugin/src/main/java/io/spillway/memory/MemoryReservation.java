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
 * The bytes one in-memory structure (a combiner map, a sort buffer, a list) holds, reserved from
 * Spark's {@link TaskMemoryManager} as ON_HEAP execution memory. The structure reports its
 * estimated size; the reservation grows geometrically ahead of it and says when the task memory
 * manager could not grant enough, which is the owner's signal to spill and {@link #releaseAll()}.
 *
 * <p><b>Spill requests.</b> {@link #spill(long, MemoryConsumer)} always frees nothing. Like
 * Spark's {@code ShuffleExternalSorter}, requests from other consumers ({@code trigger != this})
 * are refused, because they may arrive from another thread while the owner is mutating its
 * map, and the structures here are not thread-safe. A request with {@code trigger == this} comes
 * from inside our own {@link #tryGrow} call; rather than spilling re-entrantly there, we let the
 * short grant return and the owner spills at its next safe point, which frees the same memory.
 *
 * <p>Why not {@link TaskMemoryConsumer}: that one serves pages and pointer arrays and forwards
 * spill requests to a handler; this one only accounts for on-heap objects its owner sizes with
 * a {@link SizeTracker}, grows geometrically and never spills on request.
 */
public final class MemoryReservation extends MemoryConsumer {

  private final String ownerName;
  private long peakReservedBytes;

  public MemoryReservation(TaskMemoryManager taskMemoryManager, String ownerName) {
    super(taskMemoryManager, MemoryMode.ON_HEAP);
    this.ownerName = ownerName;
  }

  /**
   * Makes sure at least {@code neededBytes} are reserved, asking for twice that (so the number of
   * requests grows logarithmically with the data) and keeping whatever is granted.
   *
   * @return true when the reservation now covers {@code neededBytes}
   */
  public boolean tryGrow(long neededBytes) {
    // Ask for twice the need so the number of requests grows with log(data).
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

  /** Returns every reserved byte to the task memory manager; idempotent. */
  public void releaseAll() {
    if (getUsed() > 0) {
      freeMemory(getUsed());
    }
  }

  public long reservedBytes() {
    return getUsed();
  }

  public long peakReservedBytes() {
    return peakReservedBytes;
  }

  @Override
  public long spill(long size, MemoryConsumer trigger) {
    return 0L;
  }

  @Override
  public String toString() {
    return "MemoryReservation(" + ownerName + ", " + getUsed() + " bytes)";
  }
}
