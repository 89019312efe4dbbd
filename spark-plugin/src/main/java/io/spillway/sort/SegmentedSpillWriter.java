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
package io.spillway.sort;

import io.spillway.io.CountingOutputStream;
import io.spillway.io.NamedFileOutputStream;
import io.spillway.io.NonClosingOutputStream;

import io.spillway.io.Closeables;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Writes one {@link SpilledSegments} file: segments written in order, each an independent
 * serializer stream of key/value records, wrapped for compression and encryption on its own so
 * any segment can be read without the others. The layout is described on {@link SpilledSegments}.
 *
 * <p>Usage: {@code beginSegment(); write(k, v)...; endSegment();} once per segment (an empty
 * segment costs no bytes), then {@link #finish()}. On failure call {@link #abort(Throwable)}; the
 * file itself stays tracked by the {@link io.spillway.io.TempFileTracker} that created it. A
 * failure to write (a full disk) names the file ({@link NamedFileOutputStream}).
 */
public final class SegmentedSpillWriter {

  @SuppressWarnings("unchecked")
  private static final ClassTag<Object> ANY = (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Any();

  private final SpillFile spillFile;
  private final SerializerManager serializerManager;
  private final SerializerInstance serializer;
  private final long startOffset;
  private final CountingOutputStream fileStream;
  private final LongList segmentEndOffsets = new LongList();
  private final LongList segmentRecordCounts = new LongList();
  private final boolean pairs;
  private SerializationStream segmentStream;
  private long segmentRecords;
  private boolean segmentOpen;

  public SegmentedSpillWriter(
      SpillFile spillFile,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      int fileBufferBytes,
      boolean append,
      boolean pairs)
      throws IOException {
    this.spillFile = spillFile;
    this.pairs = pairs;
    this.serializerManager = serializerManager;
    this.serializer = serializer;
    this.startOffset = append ? spillFile.file().length() : 0L;
    this.fileStream = new CountingOutputStream(
        new BufferedOutputStream(new NamedFileOutputStream(spillFile.file(), append), fileBufferBytes),
        startOffset);
  }

  public void beginSegment() {
    assert !segmentOpen : "endSegment() was not called";
    segmentOpen = true;
    segmentRecords = 0;
  }

  /** Writes one key/value record (a writer opened with {@code pairs == true}). */
  public void write(Object key, Object value) throws IOException {
    assert pairs : "this writer writes single objects";
    openSegmentStream().writeKey(key, ANY);
    segmentStream.writeValue(value, ANY);
    segmentRecords++;
  }

  /** Writes one single-object record (a writer opened with {@code pairs == false}). */
  public void write(Object value) throws IOException {
    assert !pairs : "this writer writes key/value pairs";
    openSegmentStream().writeObject(value, ANY);
    segmentRecords++;
  }

  private SerializationStream openSegmentStream() {
    assert segmentOpen : "beginSegment() was not called";
    if (segmentStream == null) {
      // Opened lazily so that empty segments write no stream header or compression frame.
      segmentStream = serializer.serializeStream(
          serializerManager.wrapStream(spillFile.blockId(), new NonClosingOutputStream(fileStream)));
    }
    return segmentStream;
  }

  public void endSegment() throws IOException {
    assert segmentOpen : "beginSegment() was not called";
    if (segmentStream != null) {
      // Closing the serializer stream finishes the compression frame; the shield keeps the file.
      segmentStream.close();
      segmentStream = null;
    }
    segmentEndOffsets.add(fileStream.bytesWritten());
    segmentRecordCounts.add(segmentRecords);
    segmentOpen = false;
  }

  /** Flushes and closes the file; returns where each segment ends. */
  public SpilledSegments finish() throws IOException {
    assert !segmentOpen : "endSegment() was not called";
    fileStream.close();
    return new SpilledSegments(
        spillFile, startOffset, segmentEndOffsets.toArray(), segmentRecordCounts.toArray(), pairs);
  }

  /** Closes the streams after a failure; close failures are attached to {@code failure}. */
  public void abort(Throwable failure) {
    SerializationStream open = segmentStream;
    segmentStream = null;
    Closeables.runAll(failure, open == null ? null : open::close, fileStream::close);
  }
}
