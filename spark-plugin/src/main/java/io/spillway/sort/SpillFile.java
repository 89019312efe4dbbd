package io.spillway.sort;

import io.spillway.io.TempFile;
import java.io.File;
import java.util.Objects;

import org.apache.spark.storage.BlockId;

/**
 * One temporary file and the block id that keys its compression and encryption
 * ({@code SerializerManager.wrapStream(blockId, ...)} decides per block type whether to compress).
 */
public record SpillFile(BlockId blockId, File file) implements TempFile {
  public SpillFile {
    Objects.requireNonNull(blockId, "blockId is null");
    Objects.requireNonNull(file, "file is null");
  }
}
