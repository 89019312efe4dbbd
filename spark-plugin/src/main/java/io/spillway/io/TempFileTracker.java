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
package io.spillway.io;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Every temporary file one task-side structure creates (a map task's spills, a merger's or
 * sorter's runs, a list's segments), so that none outlives the task: a file is registered when it
 * is created and then either deleted or, once it belongs to someone else (a spill moved into the
 * map output), released. {@link #deleteAll} at task end, after a failure or on an abandoned
 * iteration leaves nothing behind. Not thread-safe: a tracker belongs to one task thread.
 *
 * @param <T> what the factory describes a file with
 */
public final class TempFileTracker<T extends TempFile> {
  private final TempFileFactory<? extends T> factory;
  private final Set<File> liveFiles = new LinkedHashSet<>();
  private long filesCreated;

  public TempFileTracker(TempFileFactory<? extends T> factory) {
    this.factory = Objects.requireNonNull(factory, "factory is null");
  }

  /** A new temp file, tracked until {@link #delete} or {@link #release}. */
  public T create() throws IOException {
    T created = factory.create();
    liveFiles.add(created.file());
    filesCreated++;
    return created;
  }

  /** Deletes one file now and stops tracking it; a missing file is not an error. */
  public void delete(File file) throws IOException {
    liveFiles.remove(file);
    Files.deleteIfExists(file.toPath());
  }

  /** Deletes one file now and stops tracking it; a missing file is not an error. */
  public void delete(TempFile file) throws IOException {
    delete(file.file());
  }

  /** Stops tracking a file that now belongs to someone else (moved into the map output). */
  public void release(File file) {
    liveFiles.remove(file);
  }

  /** Deletes every tracked file; the first failure is thrown with the others suppressed. */
  public void deleteAll() throws IOException {
    deleteAll(null);
  }

  /**
   * Deletes every tracked file, trying all of them. A failure to delete one is attached to
   * {@code primary} if the task is already failing, else thrown (the first, with later ones
   * suppressed) after all deletions were tried. Files that could not be deleted stay tracked.
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

  /** Files created over the tracker's life. */
  public long filesCreated() {
    return filesCreated;
  }
}
