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
import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.shuffle.IndexShuffleBlockResolver;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.sort.io.LocalDiskShuffleExecutorComponents;

/**
 * Where Spark's default (local-disk) shuffle IO puts one map output, for what Spillway does after
 * writing it failed: name the file in the error, and delete the temp data file Spark may leave.
 *
 * <pre>
 *   blockmgr-.../xx/shuffle_S_M_0.data          the committed data file
 *   blockmgr-.../xx/shuffle_S_M_0.data.&lt;uuid&gt;   written first, renamed to the above at commit
 * </pre>
 *
 * Spark's writer deletes its temp data file in {@code abort}, but only after flushing and closing
 * its buffered stream: on a full disk that flush fails again and the file stays. A commit that
 * fails (the index cannot be written) keeps it too, also for a moved single spill. The map id is
 * the task attempt id, so such a file belongs to this task attempt alone.
 *
 * <p>Spark internals: the local-disk shuffle IO's class, the resolver's file naming and the
 * {@code .<uuid>} suffix of its temp files, none of which Spark's shuffle IO API exposes.
 */
public final class LocalDiskMapOutput {
  private final File dataFile;

  LocalDiskMapOutput(File dataFile) {
    this.dataFile = dataFile;
  }

  /** The map output's files, or null when another shuffle IO plugin stores it. */
  public static LocalDiskMapOutput find(
      ShuffleExecutorComponents components, int shuffleId, long mapId) {
    if (!(components instanceof LocalDiskShuffleExecutorComponents)) {
      return null;
    }
    try {
      SparkEnv env = SparkEnv.get();
      if (env != null
          && env.shuffleManager().shuffleBlockResolver() instanceof IndexShuffleBlockResolver r) {
        return new LocalDiskMapOutput(r.getDataFile(shuffleId, mapId));
      }
    } catch (RuntimeException e) {
      // no block manager (a unit test): nothing to name or delete
    }
    return null;
  }

  public File dataFile() {
    return dataFile;
  }

  /**
   * Deletes the temp data files ({@code <data file>.<uuid>}) of this map output. A failure to
   * delete one is attached to {@code failure}, the error the task fails with.
   */
  public void deleteTempFiles(Throwable failure) {
    File directory = dataFile.getParentFile();
    String prefix = dataFile.getName() + ".";
    File[] leftovers =
        directory == null
            ? null
            : directory.listFiles(
                (dir, name) -> name.startsWith(prefix) && isUuid(name.substring(prefix.length())));
    if (leftovers == null) {
      return;
    }
    for (File leftover : leftovers) {
      try {
        Files.deleteIfExists(leftover.toPath());
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static boolean isUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    try {
      UUID.fromString(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
