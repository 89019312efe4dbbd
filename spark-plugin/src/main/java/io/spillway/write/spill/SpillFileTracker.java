package io.spillway.write.spill;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Every temp file a map task creates, so that none outlives the task: files are registered when
 * created and either handed over (moved into the output) or deleted.
 */
public final class SpillFileTracker {
  private final SpillLocationSource source;
  private final List<File> liveFiles = new ArrayList<>();

  public SpillFileTracker(SpillLocationSource source) {
    this.source = source;
  }

  /** A new temp file, tracked until {@link #delete} or {@link #release}. */
  public SpillLocation create() throws IOException {
    SpillLocation location = source.newSpillLocation();
    liveFiles.add(location.file());
    return location;
  }

  /** Deletes one tracked file. */
  public void delete(File file) throws IOException {
    liveFiles.remove(file);
    Files.deleteIfExists(file.toPath());
  }

  /** Stops tracking a file that now belongs to someone else (moved into the map output). */
  public void release(File file) {
    liveFiles.remove(file);
  }

  /**
   * Deletes every tracked file. A failure to delete one is attached to {@code primary} if the
   * task is already failing, else thrown after all deletions were tried.
   */
  public void deleteAll(Throwable primary) throws IOException {
    IOException first = null;
    for (File file : new ArrayList<>(liveFiles)) {
      try {
        Files.deleteIfExists(file.toPath());
        liveFiles.remove(file);
      } catch (IOException e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  public int liveFileCount() {
    return liveFiles.size();
  }
}
