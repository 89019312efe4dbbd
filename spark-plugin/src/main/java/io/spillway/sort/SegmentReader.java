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

import io.spillway.io.Closeables;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A cursor over the records of consecutive segments of one {@link SpilledSegments}: call
 * {@link #advance()}, then read {@link #key()} and {@link #value()}. No object is allocated per
 * record beyond what the serializer creates. Holds one open file until exhausted or closed.
 */
public final class SegmentReader implements Closeable {

  @SuppressWarnings("unchecked")
  private static final ClassTag<Object> ANY = (ClassTag<Object>) (ClassTag<?>) ClassTag$.MODULE$.Any();

  private final SpilledSegments segments;
  private final SerializerManager serializerManager;
  private final SerializerInstance serializer;
  private final int endSegment;
  private final FileInputStream fileStream;
  private final BufferedInputStream bufferedStream;
  private int currentSegment;
  private BoundedInputStream segmentBytes;
  private DeserializationStream segmentStream;
  private long recordsLeftInSegment;
  private Object key;
  private Object value;
  private boolean closed;

  SegmentReader(
      SpilledSegments segments,
      int firstSegment,
      int endSegment,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      int bufferBytes)
      throws IOException {
    this.segments = segments;
    this.serializerManager = serializerManager;
    this.serializer = serializer;
    this.endSegment = endSegment;
    this.currentSegment = firstSegment - 1;
    this.fileStream = new FileInputStream(segments.spillFile().file());
    try {
      fileStream.getChannel().position(segments.segmentStartOffset(firstSegment));
    } catch (IOException | RuntimeException e) {
      Closeables.runAll(e, fileStream::close);
      throw e;
    }
    this.bufferedStream = new BufferedInputStream(fileStream, bufferBytes);
  }

  /** Moves to the next record; returns false (and closes the file) after the last one. */
  public boolean advance() throws IOException {
    while (recordsLeftInSegment == 0) {
      if (!nextSegment()) {
        close();
        return false;
      }
    }
    if (segments.pairs()) {
      key = segmentStream.readKey(ANY);
      value = segmentStream.readValue(ANY);
    } else {
      key = segmentStream.readObject(ANY);
    }
    recordsLeftInSegment--;
    return true;
  }

  /** The current record's key, or the object itself when records are single objects. */
  public Object key() {
    return key;
  }

  public Object value() {
    return value;
  }

  private boolean nextSegment() throws IOException {
    finishSegment();
    if (closed || currentSegment + 1 >= endSegment) {
      return false;
    }
    currentSegment++;
    recordsLeftInSegment = segments.recordCount(currentSegment);
    if (recordsLeftInSegment > 0) {
      segmentBytes = new BoundedInputStream(bufferedStream, segments.segmentLengthBytes(currentSegment));
      segmentStream = serializer.deserializeStream(
          serializerManager.wrapStream(segments.spillFile().blockId(), segmentBytes));
    }
    return true;
  }

  private void finishSegment() throws IOException {
    if (segmentStream != null) {
      // A decompressor may stop before its frame's last bytes; skip them so the next segment
      // starts where its offset says.
      segmentStream.close();
      segmentStream = null;
      segmentBytes.skipRemaining();
      segmentBytes = null;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    key = null;
    value = null;
    DeserializationStream open = segmentStream;
    segmentStream = null;
    Closeables.runAll(null, open == null ? null : open::close, bufferedStream::close);
  }

  /** Reads at most {@code limitBytes} from the shared stream and never closes it. */
  private static final class BoundedInputStream extends FilterInputStream {
    private long remainingBytes;

    BoundedInputStream(InputStream in, long limitBytes) {
      super(in);
      this.remainingBytes = limitBytes;
    }

    @Override
    public int read() throws IOException {
      if (remainingBytes <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remainingBytes--;
      }
      return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      if (remainingBytes <= 0) {
        return -1;
      }
      int read = in.read(bytes, offset, (int) Math.min(length, remainingBytes));
      if (read > 0) {
        remainingBytes -= read;
      }
      return read;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, remainingBytes));
      remainingBytes -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remainingBytes);
    }

    @Override
    public void close() {
      // The file stream is shared by the following segments.
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    void skipRemaining() throws IOException {
      while (remainingBytes > 0) {
        long skipped = in.skip(remainingBytes);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new IOException("spill segment truncated: " + remainingBytes + " bytes missing");
          }
          remainingBytes--;
        } else {
          remainingBytes -= skipped;
        }
      }
    }
  }
}
