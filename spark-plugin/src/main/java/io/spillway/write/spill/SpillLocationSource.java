package io.spillway.write.spill;

import io.spillway.io.TempFileFactory;
import io.spillway.spark.SparkLocalDisk;
import java.io.File;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.spark.storage.TempShuffleBlockId;
import scala.Tuple2;

/** Where spill files come from: Spark's local dirs in a task, a plain directory in tests. */
@FunctionalInterface
public interface SpillLocationSource extends TempFileFactory<SpillLocation> {

  /** Temp shuffle blocks of the executor's {@code DiskBlockManager} ({@code spark.local.dir}). */
  static SpillLocationSource sparkLocalDirs() {
    return () -> {
      Tuple2<TempShuffleBlockId, File> block = SparkLocalDisk.newTempShuffleBlock();
      return new SpillLocation(block._1(), block._2());
    };
  }

  /** Files in {@code directory}, named like Spark's temp shuffle blocks. */
  static SpillLocationSource directory(File directory) {
    return () -> {
      TempShuffleBlockId blockId = new TempShuffleBlockId(UUID.randomUUID());
      File file = new File(directory, blockId.name());
      Files.createFile(file.toPath());
      return new SpillLocation(blockId, file);
    };
  }
}
