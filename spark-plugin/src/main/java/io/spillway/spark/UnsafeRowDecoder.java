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
 * returned last stays where it was until the following {@code next()}. The rule is kept by
 * identity: the buffer the row returned last points into ({@code lastRowBuffer}, whichever block
 * returned it) is never written to.
 *
 * <p>Blocks are read one after the other (the reader opens the next when the last one ended), so
 * a block that ended hands its two buffers to the next one: one decoder per reduce task allocates
 * them once, not once per block (with thousands of small blocks per task, zeroing two 64 KiB
 * buffers per block cost more than reading the block; see {@code
 * docs/benchmarks/history/lz4-block-streams-901dae5.md}). A block opened while another is still
 * being read gets buffers of its own.
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

  /** The buffers of the block that ended last, for the next one; null while a block has them. */
  private byte[] freeBuffer;

  private byte[] freeSpare;

  /** What the row returned last (by any block) points into: not to be written before the next. */
  private byte[] lastRowBuffer;

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
    return new BlockRows(in);
  }

  private final class BlockRows extends AbstractIterator<Tuple2<Object, Object>> {
    private final InputStream in;
    private final UnsafeRow row;
    private final Tuple2<Object, Object> tuple;

    /** The buffer being read, and the other one (holds the last row returned, maybe). */
    private byte[] buffer;

    private byte[] spare;
    private int position;
    private int limit;
    private boolean rowReady;
    private byte[] readyBuffer;
    private long readyOffset;
    private int readySize;
    private boolean ended;

    BlockRows(InputStream in) {
      this.in = in;
      this.row = new UnsafeRow(numFields);
      this.tuple = new Tuple2<>(0, row);
      if (freeBuffer != null) {
        // read into the one the caller's last row (of the block before) is not in
        boolean swap = freeBuffer == lastRowBuffer;
        buffer = swap ? freeSpare : freeBuffer;
        spare = swap ? freeBuffer : freeSpare;
        freeBuffer = null;
        freeSpare = null;
      } else {
        buffer = new byte[CHUNK_BYTES];
        spare = new byte[CHUNK_BYTES];
      }
    }

    @Override
    public boolean hasNext() {
      if (rowReady) {
        return true;
      }
      if (ended) {
        return false;
      }
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
      lastRowBuffer = readyBuffer;
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
        // Move the unread bytes to the start of the other buffer (the last row returned may be
        // in this one); a new, larger one when a row needs more, or when the other one holds
        // the last row returned.
        byte[] target =
            spare.length >= bytes && spare != lastRowBuffer
                ? spare
                : new byte[Math.max(bytes, 2 * buffer.length)];
        System.arraycopy(buffer, position, target, 0, unread);
        if (target == spare || buffer != lastRowBuffer) {
          spare = buffer;
        }
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
      // for the next block; grown ones (a row larger than a chunk) are not kept
      if (buffer.length == CHUNK_BYTES && spare.length == CHUNK_BYTES) {
        freeBuffer = buffer;
        freeSpare = spare;
      }
      buffer = null;
      spare = null;
      in.close();
    }
  }
}
