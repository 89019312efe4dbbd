package io.spillway.write.spill;

import io.spillway.io.TempFile;
import java.io.File;
import org.apache.spark.storage.BlockId;

/** A fresh temp file and the block id its streams are wrapped with. */
public record SpillLocation(BlockId blockId, File file) implements TempFile {}
