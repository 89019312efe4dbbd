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
package io.spillway.spark;

import java.io.File;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.storage.TempShuffleBlockId;
import scala.Tuple2;

/**
 * Fresh temporary files in the executor's local directories ({@code spark.local.dir}), from
 * Spark's {@code DiskBlockManager} ({@code private[spark]}), as Spark's own shuffle writers and
 * external sorters get theirs. The block id's type decides how {@code SerializerManager} wraps the
 * file's streams: a temp shuffle block follows {@code spark.shuffle.compress}, a temp local block
 * {@code spark.shuffle.spill.compress}.
 */
public final class SparkLocalDisk {
  private SparkLocalDisk() {}

  /** A new, empty file named by a fresh {@link TempShuffleBlockId} (map-side spills). */
  public static Tuple2<TempShuffleBlockId, File> newTempShuffleBlock() {
    return env().blockManager().diskBlockManager().createTempShuffleBlock();
  }

  /** A new, empty file named by a fresh {@link TempLocalBlockId} (reduce-side spills). */
  public static Tuple2<TempLocalBlockId, File> newTempLocalBlock() {
    return env().blockManager().diskBlockManager().createTempLocalBlock();
  }

  private static SparkEnv env() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException(
          "SparkEnv is not initialised: no local directories; pass an explicit file factory");
    }
    return env;
  }
}
