package io.spillway.sort;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Every temporary file a merger, sorter or list creates goes through one tracker, so that
 * {@link #deleteAll()} (task end, failure, abandoned iteration) leaves nothing behind. Not
 * thread-safe: a tracker belongs to one task thread.
 */
public final class SpillFileTracker {

  private final SpillFileFactory factory;
  private final Set<SpillFile> liveFiles = new LinkedHashSet<>();
  private long filesCreated;

  public SpillFileTracker(SpillFileFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory is null");
  }

  public SpillFile create() throws IOException {
    SpillFile file = factory.create();
    liveFiles.add(file);
    filesCreated++;
    return file;
  }

  /** Deletes one file now; a missing file is not an error. */
  public void delete(SpillFile file) throws IOException {
    if (liveFiles.remove(file)) {
      Files.deleteIfExists(file.file().toPath());
    }
  }

  /** Deletes every live file; the first failure is thrown with the others suppressed. */
  public void deleteAll() {
    SpillFile[] files = liveFiles.toArray(new SpillFile[0]);
    Closeables.Cleanup[] steps = new Closeables.Cleanup[files.length];
    for (int i = 0; i < files.length; i++) {
      SpillFile file = files[i];
      steps[i] = () -> delete(file);
    }
    Closeables.runAll(null, steps);
  }

  public int liveFileCount() {
    return liveFiles.size();
  }

  public long filesCreated() {
    return filesCreated;
  }
}
