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
package io.spillway.sort;

import io.spillway.io.TempFileFactory;
import io.spillway.spark.SparkLocalDisk;
import java.io.File;
import org.apache.spark.storage.TempLocalBlockId;
import scala.Tuple2;

/**
 * Creates the temporary files spills are written to. Inside a task use
 * {@link #fromDiskBlockManager()}; unit tests pass a factory over a JUnit temp directory.
 */
@FunctionalInterface
public interface SpillFileFactory extends TempFileFactory<SpillFile> {

  /**
   * Files in Spark's local directories, named by fresh {@link TempLocalBlockId}s. Spill compression
   * follows {@code spark.shuffle.spill.compress} because {@code SerializerManager} keys it on that
   * block type.
   */
  static SpillFileFactory fromDiskBlockManager() {
    return () -> {
      Tuple2<TempLocalBlockId, File> block = SparkLocalDisk.newTempLocalBlock();
      return new SpillFile(block._1(), block._2());
    };
  }
}
