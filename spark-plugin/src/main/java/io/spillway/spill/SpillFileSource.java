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
package io.spillway.spill;

import io.spillway.io.TempFileFactory;
import io.spillway.spark.SparkLocalDisk;
import java.io.File;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.storage.TempShuffleBlockId;
import scala.Tuple2;

/**
 * Where spill files come from: Spark's local directories ({@code spark.local.dir}, through the
 * executor's {@code DiskBlockManager}) inside a task, a plain directory in tests and benchmarks.
 */
@FunctionalInterface
public interface SpillFileSource extends TempFileFactory<SpillFile> {

  /**
   * Temp shuffle blocks: map-side spills, whose segments are map output blocks (compressed as
   * {@code spark.shuffle.compress} says).
   */
  static SpillFileSource tempShuffleBlocks() {
    return () -> {
      Tuple2<TempShuffleBlockId, File> block = SparkLocalDisk.newTempShuffleBlock();
      return new SpillFile(block._1(), block._2());
    };
  }

  /**
   * Temp local blocks: reduce-side spills (combiners, sorter runs, lists), compressed as
   * {@code spark.shuffle.spill.compress} says.
   */
  static SpillFileSource tempLocalBlocks() {
    return () -> {
      Tuple2<TempLocalBlockId, File> block = SparkLocalDisk.newTempLocalBlock();
      return new SpillFile(block._1(), block._2());
    };
  }

  /** Files in {@code directory}, named like Spark's temp shuffle blocks. */
  static SpillFileSource directory(File directory) {
    return () -> {
      TempShuffleBlockId blockId = new TempShuffleBlockId(UUID.randomUUID());
      File file = new File(directory, blockId.name());
      Files.createFile(file.toPath());
      return new SpillFile(blockId, file);
    };
  }
}
