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
package io.spillway.combine;

import io.spillway.io.TempFileTracker;
import java.io.Closeable;
import java.lang.ref.Cleaner;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.spillway.sort.CloseableIterator;
import io.spillway.io.Closeables;
import io.spillway.spill.SpillReader;
import io.spillway.spill.SpillWriter;
import io.spillway.memory.SizeTracker;
import io.spillway.spill.SpillFile;
import io.spillway.spill.Spill;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;

/**
 * A list of one key's values that may be far larger than memory. Values collect in memory until
 * their estimated size passes {@code listSpillThresholdBytes}; then they are appended to the
 * list's own file as one segment of single-object records (see {@link Spill}) and the
 * memory buffer starts again. Iteration yields the values on disk, oldest segment first, then
 * the ones in memory: insertion order. The list can be iterated any number of times (each
 * iteration opens the file once); do not add while iterating.
 *
 * <p>Serializing the list with Java serialization writes its size and every value, read from
 * disk as needed (with {@code writeUnshared}, so the stream does not keep them all); the
 * deserialized copy holds its values in memory and no longer spills. Kryo (Spark's
 * {@code KryoSerializer}) goes through {@link KryoSerializable} with the same layout:
 * {@code [size: long][value]...}.
 *
 * <p>The file lives until {@link #close()}, which the owner ({@link ExternalGroupBy}) calls when
 * the task fails or is killed; it also closes iterations that were abandoned. When the task
 * succeeds the owner calls {@link #keepFileWhileReachable()} instead: Spark serializes a task's
 * result after the completion listeners ran, and the result may hold this list (a {@code
 * groupByKey().collect()}), so the file must outlive the task until the list is garbage.
 */
public final class ExternalList<T> implements Iterable<T>, Serializable, KryoSerializable, Closeable {

  private static final long serialVersionUID = 1L;
  /** Deletes the files of lists that outlived their task once they become unreachable. */
  private static final Cleaner FILE_CLEANER = Cleaner.create();

  private transient MergerContext context;
  private transient ArrayList<T> values;
  private transient SizeTracker sizeTracker;
  private transient SpillFile file;
  private transient List<Spill> segmentsOnDisk;
  private transient List<SpillReader> openReaders;
  private transient long size;
  private transient long bytesSpilled;
  /** Set by close() when values were on disk: they are gone, so iterating must fail, not lie. */
  private transient boolean spilledValuesDeleted;
  /** Some iteration reached the last value: the task consumed this list. */
  private transient boolean iteratedToEnd;
  /** The task ended and kept the file for a reader outside it (its result, or a cache). */
  private transient boolean outlivesTask;

  ExternalList(MergerContext context) {
    this(context, new ArrayList<>());
  }

  /** Takes ownership of {@code initialValues} (they were already accounted by the caller). */
  ExternalList(MergerContext context, ArrayList<T> initialValues) {
    this.context = context;
    this.values = initialValues;
    this.size = initialValues.size();
    this.segmentsOnDisk = new ArrayList<>();
    this.openReaders = new ArrayList<>();
  }

  public void add(T value) throws IOException {
    values.add(value);
    size++;
    afterUpdate();
  }

  public void addAll(Collection<? extends T> more) throws IOException {
    for (T value : more) {
      add(value);
    }
  }

  private void afterUpdate() throws IOException {
    if (context == null) {
      return;
    }
    if (sizeTracker == null) {
      // Started lazily: most lists are small and never need an estimate.
      sizeTracker = new SizeTracker();
      sizeTracker.reset(values);
    }
    sizeTracker.afterUpdate();
    if (sizeTracker.estimatedBytes() > context.settings.listSpillThresholdBytes()) {
      spill();
    }
  }

  private void spill() throws IOException {
    TempFileTracker<SpillFile> files = context.files;
    if (file == null) {
      file = files.create();
      context.spilledLists.add(this);
    }
    SpillWriter writer = SpillWriter.records(file, context.serializerManager,
        context.serializer, context.settings.fileBufferBytes(), true, false);
    long inMemoryBytes = sizeTracker == null ? 0 : sizeTracker.estimatedBytes();
    Spill written;
    try {
      writer.beginSegment();
      for (T value : values) {
        writer.write(value);
      }
      writer.endSegment();
      written = writer.finish();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort(e);
      throw e;
    }
    segmentsOnDisk.add(written);
    bytesSpilled += written.totalBytes();
    context.metrics.recordUnleveledSpills(1, written.totalBytes(), inMemoryBytes);
    values = new ArrayList<>();
    sizeTracker = null;
  }

  public long size() {
    return size;
  }

  /** Bytes this list has written to its file. */
  public long bytesSpilled() {
    return bytesSpilled;
  }

  @Override
  public CloseableIterator<T> iterator() {
    if (spilledValuesDeleted) {
      throw new IllegalStateException("The " + size + " values of this group were partly spilled"
          + " to disk and the task that grouped them has ended, which deleted the spill file."
          + " Iterate grouped values inside the task, or persist them with a serialized storage"
          + " level (MEMORY_ONLY_SER, MEMORY_AND_DISK_SER, DISK_ONLY), which copies them in the"
          + " task.");
    }
    return new ValuesIterator();
  }

  /**
   * Called when the task succeeded. A list some iteration read to the end was consumed by the
   * task and is closed now. Any other list may be part of the task's result: its file is handed
   * to a {@link Cleaner} that deletes it once the list is unreachable, and is deleted at once
   * after the list has been serialized outside the task (that is Spark shipping the result).
   * Abandoned iterations are closed. Files still present when the executor stops go with Spark's
   * local directories.
   */
  void keepFileWhileReachable() {
    if (iteratedToEnd) {
      // consumed inside the task (summed, counted, written out): nothing outside can need it
      close();
      return;
    }
    outlivesTask = true;
    List<Closeables.Cleanup> steps = new ArrayList<>();
    if (openReaders != null) {
      for (SpillReader reader : openReaders) {
        steps.add(reader::close);
      }
      openReaders.clear();
    }
    if (file != null) {
      java.io.File path = file.file();
      context.files.release(path);
      // the action must not capture this list, or the list would never become unreachable
      FILE_CLEANER.register(this, () -> path.delete());
    }
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  /** After the task, being serialized means being shipped as its result: the file is done. */
  private void deleteIfShippedAfterTask() {
    if (outlivesTask && file != null) {
      java.io.File path = file.file();
      file = null;
      spilledValuesDeleted = true;
      segmentsOnDisk.clear();
      path.delete();
    }
  }

  /** Closes abandoned iterations and deletes the file; idempotent. */
  @Override
  public void close() {
    List<Closeables.Cleanup> steps = new ArrayList<>();
    if (openReaders != null) {
      for (SpillReader reader : openReaders) {
        steps.add(reader::close);
      }
      openReaders.clear();
    }
    SpillFile toDelete = file;
    if (toDelete != null) {
      file = null;
      spilledValuesDeleted = true;
      segmentsOnDisk.clear();
      steps.add(() -> context.files.delete(toDelete));
    }
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  private final class ValuesIterator implements CloseableIterator<T> {
    private int nextSegment;
    private SpillReader reader;
    private Iterator<T> memoryValues;
    private boolean ready;
    private T nextValue;

    @SuppressWarnings("unchecked")
    @Override
    public boolean hasNext() {
      if (ready) {
        return true;
      }
      try {
        while (memoryValues == null) {
          if (reader != null) {
            if (reader.advance()) {
              nextValue = (T) reader.key();
              ready = true;
              return true;
            }
            openReaders.remove(reader);
            reader = null;
          }
          if (segmentsOnDisk != null && nextSegment < segmentsOnDisk.size()) {
            reader = segmentsOnDisk.get(nextSegment++).openAll(
                context.serializerManager, context.serializer, context.settings.fileBufferBytes());
            openReaders.add(reader);
          } else {
            memoryValues = values.iterator();
          }
        }
      } catch (IOException e) {
        Closeables.runAll(e, this::close);
        throw CloseableIterator.unchecked("reading spilled list values failed", e);
      }
      if (memoryValues.hasNext()) {
        nextValue = memoryValues.next();
        ready = true;
      } else {
        iteratedToEnd = true;
      }
      return ready;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      T value = nextValue;
      nextValue = null;
      return value;
    }

    @Override
    public void close() {
      SpillReader open = reader;
      reader = null;
      memoryValues = java.util.Collections.emptyIterator();
      if (open != null) {
        openReaders.remove(open);
        Closeables.runAll(null, open::close);
      }
    }
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeLong(size);
    try (CloseableIterator<T> iterator = iterator()) {
      while (iterator.hasNext()) {
        out.writeUnshared(iterator.next());
      }
    }
    deleteIfShippedAfterTask();
  }

  @SuppressWarnings("unchecked")
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    long count = in.readLong();
    values = new ArrayList<>((int) Math.min(count, 1 << 16));
    for (long i = 0; i < count; i++) {
      values.add((T) in.readUnshared());
    }
    size = count;
    segmentsOnDisk = new ArrayList<>();
    openReaders = new ArrayList<>();
  }

  @Override
  public void write(Kryo kryo, Output output) {
    output.writeLong(size);
    try (CloseableIterator<T> iterator = iterator()) {
      while (iterator.hasNext()) {
        kryo.writeClassAndObject(output, iterator.next());
      }
    }
    deleteIfShippedAfterTask();
  }

  @SuppressWarnings("unchecked")
  @Override
  public void read(Kryo kryo, Input input) {
    long count = input.readLong();
    values = new ArrayList<>((int) Math.min(count, 1 << 16));
    for (long i = 0; i < count; i++) {
      values.add((T) kryo.readClassAndObject(input));
    }
    size = count;
    segmentsOnDisk = new ArrayList<>();
    openReaders = new ArrayList<>();
  }

  @Override
  public String toString() {
    return "ExternalList(" + size + " values, " + segmentsOnDisk.size() + " segments on disk)";
  }
}
