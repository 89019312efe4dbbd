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
package io.spillway.metrics;

/** What an executor's index cache reports ({@code spark.spillway.read.indexCacheSize}). */
public interface IndexCacheStats {
  /** Map outputs whose index is cached now. */
  long cachedOutputs();

  /** Bytes the cached indexes take now. */
  long cachedBytes();

  /** Most bytes the cache may hold (0: the cache is off). */
  long maxBytes();

  /** Blocks served from a cached index since the executor started. */
  long hits();

  /** Blocks whose index had to be read from its file since the executor started. */
  long misses();
}
