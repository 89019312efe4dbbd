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

import org.apache.spark.memory.SparkOutOfMemoryError;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * A task could not get the execution memory a Spillway structure cannot do without (a map task's
 * first memory page and its record pointer array), said in terms a user can act on: how much was
 * asked and held, and which settings give a task more. Spark's own error only says
 * {@code Unable to acquire N bytes of memory, got M}; it is kept as the cause.
 *
 * <p>An ordinary task failure, not an {@link OutOfMemoryError}: the heap is fine, the task was
 * given too small a share of the execution pool, which depends on how many tasks run at once.
 */
public final class NotEnoughExecutionMemoryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private NotEnoughExecutionMemoryException(String message, SparkOutOfMemoryError cause) {
    super(message, cause);
  }

  /**
   * @param what who needed the memory, for the message ("Spillway's map output buffer of shuffle
   *     3, map 7")
   */
  public static NotEnoughExecutionMemoryException of(
      SparkOutOfMemoryError cause, String what, TaskMemoryManager taskMemoryManager) {
    String message =
        what
            + " could not get the execution memory it needs ("
            + cause.getMessage()
            + "); the task holds "
            + taskMemoryManager.getMemoryConsumptionForThisTask()
            + " bytes."
            + " Each of the N tasks running on an executor may use between 1/(2N) and 1/N of its"
            + " execution pool, and a Spillway map task needs at least one memory page"
            + " (spark.buffer.pageSize, here "
            + taskMemoryManager.pageSizeBytes()
            + " bytes) and its"
            + " record pointer array, besides what other operators of the task hold. Raise"
            + " spark.executor.memory or spark.memory.fraction, run fewer tasks at once"
            + " (spark.executor.cores), or lower spark.buffer.pageSize.";
    return new NotEnoughExecutionMemoryException(message, cause);
  }
}
