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
package io.spillway.spark;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;

/**
 * Reads Spark SQL's shuffle rows from a decoded block stream the way its {@code
 * UnsafeRowSerializer} does, without a DataInputStream in between: the stream (drawn in {@link
 * UnsafeRowEncoder}) is read in large chunks into a buffer and each row is pointed at its bytes
 * there, instead of four single-byte reads for its size and a copy of its bytes.
 *
 * <p>The contract is the serializer's: one {@code (0, row)} tuple and one {@link UnsafeRow} per
 * block, valid until the next call to {@code next()}; the stream is closed after its last row.
 * To keep the row a caller holds valid while {@code hasNext()} reads ahead, the reader has two
 * buffers and moves the unread bytes into the other one when it needs more room: the row
 * returned last stays where it was until the following {@code next()}.
 *
 * <p>A stream that ends inside a row is reported as corrupt ({@link EOFException}), where the
 * serializer's DataInputStream would end the block quietly.
 */
public final class UnsafeRowDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(UnsafeRowDecoder.class);
  static final String NUM_FIELDS_FIELD =
      "org$apache$spark$sql$execution$UnsafeRowSerializerInstance$$numFields";
  private static final int SIZE_BYTES = 4;
  private static final int CHUNK_BYTES = 64 * 1024;

  private final int numFields;

  private UnsafeRowDecoder(int numFields) {
    this.numFields = numFields;
  }

  /** A decoder for {@code instance} when it is Spark SQL's UnsafeRowSerializer's, else null. */
  public static UnsafeRowDecoder forSerializer(SerializerInstance instance) {
    if (!instance.getClass().getName().equals(UnsafeRowEncoder.SERIALIZER_INSTANCE_CLASS)) {
      return null;
    }
    try {
      Field field = instance.getClass().getField(NUM_FIELDS_FIELD);
      return new UnsafeRowDecoder(field.getInt(instance));
    } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
      LOG.warn(
          "Spark SQL's row serializer has no field {} here ({}): SQL rows are read"
              + " through its deserialization stream",
          NUM_FIELDS_FIELD,
          e.toString());
      return null;
    }
  }

  /** The rows of one decoded block stream, as {@code (0, row)} tuples. */
  public Iterator<Tuple2<Object, Object>> rows(InputStream in) {
    return new BlockRows(in, numFields);
  }

  private static final class BlockRows extends AbstractIterator<Tuple2<Object, Object>> {
    private final InputStream in;
    private final UnsafeRow row;
    private final Tuple2<Object, Object> tuple;

    /** The buffer being read, and the other one (holds the last row returned, maybe). */
    private byte[] buffer = new byte[CHUNK_BYTES];

    private byte[] spare = new byte[CHUNK_BYTES];
    private int position;
    private int limit;
    private boolean rowReady;
    private byte[] readyBuffer;
    private long readyOffset;
    private int readySize;
    private boolean ended;

    /** Whether this hasNext() moved to the other buffer already (it then holds the last row). */
    private boolean movedThisCall;

    BlockRows(InputStream in, int numFields) {
      this.in = in;
      this.row = new UnsafeRow(numFields);
      this.tuple = new Tuple2<>(0, row);
    }

    @Override
    public boolean hasNext() {
      if (rowReady) {
        return true;
      }
      if (ended) {
        return false;
      }
      movedThisCall = false;
      try {
        if (!fill(SIZE_BYTES)) {
          end();
          return false;
        }
        int size =
            ((buffer[position] & 0xff) << 24)
                | ((buffer[position + 1] & 0xff) << 16)
                | ((buffer[position + 2] & 0xff) << 8)
                | (buffer[position + 3] & 0xff);
        if (size < 0) {
          throw new IOException("Corrupt shuffle block: a row of " + size + " bytes");
        }
        if (!fill(SIZE_BYTES + size)) {
          throw new EOFException(
              "Corrupt shuffle block: it ends inside a row of " + size + " bytes");
        }
        // the row object is pointed at it in next(): until then it is the caller's last row
        readyBuffer = buffer;
        readyOffset = Platform.BYTE_ARRAY_OFFSET + position + SIZE_BYTES;
        readySize = size;
        position += SIZE_BYTES + size;
        rowReady = true;
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Tuple2<Object, Object> next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("No more rows in this block");
      }
      rowReady = false;
      row.pointTo(readyBuffer, readyOffset, readySize);
      return tuple;
    }

    /**
     * Makes {@code bytes} unread bytes available from {@code position}; false when the stream
     * ends before the first of them (true end of block) — and an EOFException when it ends after
     * some of them.
     */
    private boolean fill(int bytes) throws IOException {
      if (limit - position >= bytes) {
        return true;
      }
      int unread = limit - position;
      if (buffer.length - position < bytes) {
        // Move the unread bytes to the start of the other buffer (the last row returned stays
        // in this one); a new, larger one when a row needs more, or when this call moved once
        // already (the other buffer is then the one holding the last row).
        byte[] target =
            spare.length >= bytes && !movedThisCall
                ? spare
                : new byte[Math.max(bytes, 2 * buffer.length)];
        System.arraycopy(buffer, position, target, 0, unread);
        if (!movedThisCall) {
          spare = buffer;
        }
        movedThisCall = true;
        buffer = target;
        position = 0;
        limit = unread;
      }
      while (limit - position < bytes) {
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
          if (limit == position) {
            return false;
          }
          throw new EOFException(
              "Corrupt shuffle block: it ends "
                  + (limit - position)
                  + " bytes into a row header or row");
        }
        limit += read;
      }
      return true;
    }

    private void end() throws IOException {
      ended = true;
      in.close();
    }
  }
}
