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

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.spillway.io.Closeables;
import io.spillway.memory.ReferenceArrays;
import io.spillway.sort.CloseableIterator;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillReader;
import io.spillway.spill.SpillWriter;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A list of one key's values that may be far larger than memory. Values collect in memory until
 * their estimated size passes {@code listSpillThresholdBytes}, or the task cannot grant it; then
 * they are appended to the list's own file as one segment of single-object records (see {@link
 * Spill}) and the memory buffer starts again. Iteration yields the values on disk,
 * oldest segment first, then the ones in memory: insertion order. The list can be iterated any
 * number of times (each iteration opens the file once); do not add while iterating.
 *
 * <p><b>Memory.</b> The values a list holds in memory while it is filled are reserved through the
 * group-by's {@link MergerContext#listMemory}, shared by its lists: one list is filled at a time
 * ({@link MergerContext#fillingList}), and once the next one starts, the one before is complete
 * and handed out, a record of the caller like any other. A list built around values the caller
 * already accounts for (a group from the in-memory map) reserves only what is added later.
 * Another consumer of the task asking for memory makes the list being filled spill (between two
 * adds) and the reservation is returned. A deserialized copy is detached: it holds its values in
 * memory, reserves nothing and never spills.
 *
 * <p><b>Who owns the file</b>, the state machine of {@link FileState}; nothing else decides it:
 *
 * <pre>
 *   NO_FILE ──spill()──▶ TASK_OWNS ◀──┐ spill(): one more segment
 *     ▲  │                 │    │     │
 *     └──┘ close():        │    └─────┘
 *      values stay in      │
 *      memory, readable    ├──▶ keepFileWhileReachable(), the one hand-over: the task succeeded
 *                          │    and no iteration read the list to its end, so it may be the
 *                          │    task's result or in a cache
 *                          │          ▼
 *                          │      LIST_OWNS ──(list unreachable)──▶ the Cleaner deletes the file
 *          close(): the    │          │
 *      task failed, or the │          │ close()
 *      list was read to    ▼          │
 *      its end          DELETED ◀─────┘
 * </pre>
 *
 * In TASK_OWNS the file is registered with the group-by's {@code TempFileTracker}, which deletes
 * it when the task fails or is killed, whoever else forgot it. In LIST_OWNS the tracker has
 * released it and a {@link Cleaner} deletes it once the list is garbage: Spark serializes a
 * task's result after the completion listeners ran, and the result may hold this list (a {@code
 * groupByKey().collect()}). Files still present when the executor stops go with Spark's local
 * directories. In DELETED, iterating (and so serializing) fails with a message saying why. A
 * list whose values never went to disk stays in NO_FILE, readable after close().
 *
 * <p><b>Serializing</b> the list with Java serialization writes its size and every value, read
 * from disk as needed (with {@code writeUnshared}, so the stream does not keep them all); Kryo
 * (Spark's {@code KryoSerializer}) goes through {@link KryoSerializable} with the same layout:
 * {@code [size: long][value]...}. Serializing is an iteration and nothing more: the original
 * stays readable and can be serialized again.
 */
public final class ExternalList<T>
    implements Iterable<T>, Serializable, KryoSerializable, Closeable {

  private static final long serialVersionUID = 1L;

  /** Deletes the files of lists that outlived their task once they become unreachable. */
  private static final Cleaner FILE_CLEANER = Cleaner.create();

  /** Who owns the list's file; see the class comment for the transitions. */
  enum FileState {
    /** No value was ever on disk. */
    NO_FILE,
    /** The file exists and the task's group-by owns it (through its {@code TempFileTracker}). */
    TASK_OWNS,
    /** The task ended and handed the file to the list: the Cleaner deletes it with the list. */
    LIST_OWNS,
    /** The file is deleted; the values that were in it are gone. */
    DELETED
  }

  /** Null for a deserialized copy: detached from any task, all in memory. */
  private transient MergerContext context;

  private transient ArrayList<T> values;
  private transient FileState fileState;
  private transient SpillFile file;

  /** In LIST_OWNS: deletes the file, once, now or when the list is unreachable. */
  private transient Cleaner.Cleanable fileCleaner;

  private transient List<Spill> segmentsOnDisk;
  private transient List<SpillReader> openReaders;
  private transient long size;
  private transient long bytesSpilled;

  /** Values added since this list became the context's filling list, whose bytes are reserved. */
  private transient int reservedValues;

  /** Inside {@link #add} or {@link #spill}: a spill request must wait. */
  private transient boolean busy;

  /** Some iteration reached the last value: the task consumed this list. */
  private transient boolean readToEnd;

  ExternalList(MergerContext context) {
    this(context, new ArrayList<>());
  }

  /** Takes ownership of {@code initialValues} (they were already accounted by the caller). */
  ExternalList(MergerContext context, ArrayList<T> initialValues) {
    this.context = context;
    this.values = initialValues;
    this.size = initialValues.size();
    this.fileState = FileState.NO_FILE;
    this.segmentsOnDisk = new ArrayList<>();
    this.openReaders = new ArrayList<>();
  }

  public void add(T value) throws IOException {
    values.add(value);
    size++;
    if (context == null) {
      return;
    }
    busy = true;
    try {
      afterAdd(value);
    } finally {
      busy = false;
    }
  }

  public void addAll(Collection<? extends T> more) throws IOException {
    for (T value : more) {
      add(value);
    }
  }

  /** Reserves the values added to this list, or spills them when that is not granted. */
  private void afterAdd(T value) throws IOException {
    context.listValueSizes.inserted(value, null);
    if (context.fillingList != this) {
      // the list filled before is complete: its values are its caller's now; the reservation
      // stays and covers this one
      if (context.fillingList != null) {
        context.fillingList.reservedValues = 0;
      }
      context.fillingList = this;
    }
    reservedValues++;
    long bytes = reservedBytes();
    if (bytes > context.settings.listSpillThresholdBytes()
        || (bytes > context.listMemory.reservedBytes() && !context.listMemory.tryGrow(bytes))) {
      spill();
    }
  }

  /** Estimated heap bytes of the values added while filling, and of the array that holds them. */
  private long reservedBytes() {
    // an ArrayList's array has up to half its slots spare
    return (long) (reservedValues * context.listValueSizes.meanInsertBytes())
        + ReferenceArrays.bytes(values.size() + values.size() / 2);
  }

  /**
   * A request from another consumer of the task, through {@link MergerContext#listMemory}: spills
   * the values in memory unless the list is inside an add. Returns whether the list's reservation
   * may now be returned.
   */
  boolean spillOnRequest() throws IOException {
    if (busy) {
      return false;
    }
    if (!values.isEmpty()
        && reservedValues > 0
        && fileState != FileState.DELETED
        && fileState != FileState.LIST_OWNS) {
      busy = true;
      try {
        spill();
      } finally {
        busy = false;
      }
    }
    return true;
  }

  private void spill() throws IOException {
    if (fileState == FileState.NO_FILE) {
      file = context.files.create();
      fileState = FileState.TASK_OWNS;
      context.spilledLists.add(this);
    }
    SpillWriter writer =
        SpillWriter.records(
            file,
            context.serializerManager,
            context.serializer,
            context.settings.fileBufferBytes(),
            true,
            false);
    long inMemoryBytes = reservedBytes();
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
    reservedValues = 0;
  }

  public long size() {
    return size;
  }

  /** Bytes this list has written to its file. */
  public long bytesSpilled() {
    return bytesSpilled;
  }

  /** Who owns the file now; for tests. */
  FileState fileState() {
    return fileState;
  }

  @Override
  public CloseableIterator<T> iterator() {
    if (fileState == FileState.DELETED) {
      throw new IllegalStateException(
          "The "
              + size
              + " values of this group were partly spilled"
              + " to disk and the task that grouped them has ended, which deleted the spill file."
              + " Iterate grouped values inside the task, or persist them with a serialized storage"
              + " level (MEMORY_ONLY_SER, MEMORY_AND_DISK_SER, DISK_ONLY), which copies them in the"
              + " task.");
    }
    return new ValuesIterator();
  }

  /**
   * The hand-over, called once by the owner when the task succeeded (TASK_OWNS to LIST_OWNS; see
   * the class comment). A list some iteration read to the end was consumed by the task and is
   * closed now. Any other list may be part of the task's result or of a cache: its file leaves the
   * task's tracker and is deleted by a {@link Cleaner} once the list is unreachable. Abandoned
   * iterations are closed. A no-op in any other state.
   */
  void keepFileWhileReachable() {
    if (readToEnd) {
      // consumed inside the task (summed, counted, written out): nothing outside can need it
      close();
      return;
    }
    Closeables.Cleanup closeReaders = this::closeOpenReaders;
    if (fileState == FileState.TASK_OWNS) {
      File path = file.file();
      context.files.release(path);
      // the action must not capture this list, or the list would never become unreachable
      fileCleaner = FILE_CLEANER.register(this, () -> path.delete());
      fileState = FileState.LIST_OWNS;
    }
    releaseMemoryIfFilling();
    Closeables.runAll(null, closeReaders);
  }

  /**
   * Closes abandoned iterations, returns the reservation if this list is being filled, and
   * deletes the file whoever owns it (TASK_OWNS or LIST_OWNS to DELETED); idempotent.
   */
  @Override
  public void close() {
    List<Closeables.Cleanup> steps = new ArrayList<>();
    steps.add(this::closeOpenReaders);
    steps.add(this::releaseMemoryIfFilling);
    if (fileState == FileState.TASK_OWNS) {
      SpillFile toDelete = file;
      steps.add(() -> context.files.delete(toDelete));
    } else if (fileState == FileState.LIST_OWNS) {
      steps.add(fileCleaner::clean);
    }
    if (fileState == FileState.TASK_OWNS || fileState == FileState.LIST_OWNS) {
      fileState = FileState.DELETED;
      file = null;
      fileCleaner = null;
      segmentsOnDisk.clear();
    }
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  private void closeOpenReaders() {
    if (openReaders == null || openReaders.isEmpty()) {
      return;
    }
    List<Closeables.Cleanup> steps = new ArrayList<>();
    for (SpillReader reader : openReaders) {
      steps.add(reader::close);
    }
    openReaders.clear();
    Closeables.runAll(null, steps.toArray(new Closeables.Cleanup[0]));
  }

  private void releaseMemoryIfFilling() {
    if (context != null && context.fillingList == this) {
      context.releaseListMemory();
    }
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
          if (nextSegment < segmentsOnDisk.size()) {
            reader =
                segmentsOnDisk
                    .get(nextSegment++)
                    .openAll(
                        context.serializerManager,
                        context.serializer,
                        context.settings.fileBufferBytes());
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
        readToEnd = true;
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
  }

  @SuppressWarnings("unchecked")
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    long count = in.readLong();
    ArrayList<T> read = new ArrayList<>((int) Math.min(count, 1 << 16));
    for (long i = 0; i < count; i++) {
      read.add((T) in.readUnshared());
    }
    detached(read);
  }

  @Override
  public void write(Kryo kryo, Output output) {
    output.writeLong(size);
    try (CloseableIterator<T> iterator = iterator()) {
      while (iterator.hasNext()) {
        kryo.writeClassAndObject(output, iterator.next());
      }
    }
  }

  @SuppressWarnings("unchecked")
  @Override
  public void read(Kryo kryo, Input input) {
    long count = input.readLong();
    ArrayList<T> read = new ArrayList<>((int) Math.min(count, 1 << 16));
    for (long i = 0; i < count; i++) {
      read.add((T) kryo.readClassAndObject(input));
    }
    detached(read);
  }

  /** Makes a freshly deserialized instance a detached list of {@code read}. */
  private void detached(ArrayList<T> read) {
    context = null;
    values = read;
    size = read.size();
    fileState = FileState.NO_FILE;
    segmentsOnDisk = new ArrayList<>();
    openReaders = new ArrayList<>();
  }

  @Override
  public String toString() {
    return "ExternalList("
        + size
        + " values, "
        + segmentsOnDisk.size()
        + " segments on disk, "
        + fileState
        + ")";
  }
}
