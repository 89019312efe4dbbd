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

/** What a {@link TaskMemoryConsumer} does when Spark's memory manager asks it to spill. */
@FunctionalInterface
public interface SpillHandler {
  /**
   * Frees memory by writing state to disk. Must not allocate memory (it runs while the task's
   * memory manager is choosing whom to spill).
   *
   * @param requestedBytes how much the memory manager would like back
   * @param requestedByItself whether the consumer asked for the memory itself (rather than
   *     another consumer of the task)
   * @return the bytes actually freed, 0 when nothing could be spilled now
   */
  long spill(long requestedBytes, boolean requestedByItself) throws IOException;
}
