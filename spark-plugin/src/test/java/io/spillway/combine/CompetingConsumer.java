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
package io.spillway.combine;

import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/** Another consumer of the task, for cooperation tests: takes memory on request and never spills. */
final class CompetingConsumer extends MemoryConsumer {
  CompetingConsumer(TaskMemoryManager taskMemoryManager) {
    super(taskMemoryManager, MemoryMode.ON_HEAP);
  }

  /** Asks the task for {@code bytes}, which may make its other consumers spill; returns the grant. */
  long take(long bytes) {
    return acquireMemory(bytes);
  }

  void releaseAll() {
    if (getUsed() > 0) {
      freeMemory(getUsed());
    }
  }

  @Override
  public long spill(long size, MemoryConsumer trigger) {
    return 0;
  }
}
