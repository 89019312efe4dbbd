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
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads what Spark's {@code LZ4CompressionCodec} reads (the format drawn in {@link
 * Lz4BlockWriter}), as its {@code LZ4BlockInputStream} does, but opened again and again on one
 * fetched block after another with the same buffers.
 *
 * <p>As Spark's codec stream: streams concatenated one after the other (a batch fetch of
 * contiguous partitions) read as one; the stream ends where its bytes end after a complete block
 * or end mark; anything else (a bad magic, token, length or checksum, bytes that do not
 * decompress to the stated length, a stream that stops inside a block) is an {@link IOException},
 * which the fetch turns into a fetch failure. A block goes straight into the caller's array when
 * nothing is buffered and the caller asks for all of it, else through the reader's buffer.
 *
 * <p>One stream at a time: {@link #open} hands out a stream that reads until it is closed; a
 * closed one fails on every read, so a stale reference never reads the next block.
 */
public final class Lz4BlockReader {
  private static final LZ4SafeDecompressor DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();
  private static final XXHash32 HASH = XXHashFactory.fastestInstance().hash32();
  private static final int LEVEL_BASE = 10;

  private final byte[] header = new byte[Lz4BlockWriter.HEADER_BYTES];

  /** Bytes read ahead from the source (headers are small: one large read takes several). */
  private final byte[] readAhead;

  private int readAheadPosition;
  private int readAheadLimit;
  private byte[] compressed;
  private byte[] buffer;
  private int position;
  private int limit;
  private InputStream source;
  private BlockStream current;

  /**
   * @param blockBytes the block size expected (buffers grow for larger blocks)
   * @param readAheadBytes how much is read from the source at once; reads of at least that much
   *     go straight into their target
   */
  public Lz4BlockReader(int blockBytes, int readAheadBytes) {
    this.readAhead = new byte[readAheadBytes];
    this.buffer = new byte[blockBytes];
    // the most lz4 makes of a block (LZ4_COMPRESSBOUND); grown for a larger one
    this.compressed = new byte[blockBytes + blockBytes / 255 + 16];
  }

  /** Whether a stream is open (handed out and not closed yet). */
  public boolean isOpen() {
    return current != null;
  }

  /** The decompressed stream of {@code compressedSource}; the reader's until it is closed. */
  public InputStream open(InputStream compressedSource) {
    if (current != null) {
      throw new IllegalStateException("the previous lz4 stream is still open");
    }
    source = compressedSource;
    position = 0;
    limit = 0;
    readAheadPosition = 0;
    readAheadLimit = 0;
    current = new BlockStream();
    return current;
  }

  private final class BlockStream extends InputStream {
    private boolean ended;

    @Override
    public int read() throws IOException {
      ensureOpen();
      if (position == limit && !ended) {
        // length 0: the block goes into the buffer
        nextBlock(buffer, 0, 0);
      }
      return position == limit ? -1 : buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      ensureOpen();
      if ((offset | length) < 0 || length > target.length - offset) {
        throw new IndexOutOfBoundsException(
            "offset " + offset + ", length " + length + " of " + target.length + " bytes");
      }
      if (length == 0) {
        return 0;
      }
      if (position == limit) {
        if (ended) {
          return -1;
        }
        int direct = nextBlock(target, offset, length);
        if (direct != 0) {
          return direct;
        }
        if (position == limit) {
          return -1;
        }
      }
      int n = Math.min(length, limit - position);
      System.arraycopy(buffer, position, target, offset, n);
      position += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      ensureOpen();
      long skipped = 0;
      byte[] scratch = null;
      while (skipped < n) {
        if (position == limit) {
          if (scratch == null) {
            scratch = new byte[4096];
          }
          int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
          if (read < 0) {
            break;
          }
          skipped += read;
        } else {
          int step = (int) Math.min(n - skipped, limit - position);
          position += step;
          skipped += step;
        }
      }
      return skipped;
    }

    @Override
    public int available() throws IOException {
      ensureOpen();
      return limit - position;
    }

    @Override
    public void close() throws IOException {
      if (current != this) {
        return;
      }
      InputStream toClose = source;
      current = null;
      source = null;
      position = 0;
      limit = 0;
      toClose.close();
    }

    private void ensureOpen() throws IOException {
      if (current != this) {
        throw new IOException("lz4 stream is closed");
      }
    }

    /**
     * Reads the next block with data: decompressed straight into {@code target} when it fits
     * there (returns its length), else into the buffer (returns 0, {@code limit} set); 0 with an
     * empty buffer and {@link #ended} set at the end of the stream.
     */
    private int nextBlock(byte[] target, int offset, int length) throws IOException {
      while (true) {
        if (!readHeader()) {
          ended = true;
          return 0;
        }
        int token = header[Lz4BlockWriter.MAGIC.length] & 0xff;
        int method = token & 0xf0;
        int maxLength = 1 << (LEVEL_BASE + (token & 0x0f));
        int compressedLength = intLittleEndian(Lz4BlockWriter.MAGIC.length + 1);
        int originalLength = intLittleEndian(Lz4BlockWriter.MAGIC.length + 5);
        int checksum = intLittleEndian(Lz4BlockWriter.MAGIC.length + 9);
        if ((method != Lz4BlockWriter.METHOD_RAW && method != Lz4BlockWriter.METHOD_LZ4)
            || originalLength > maxLength
            || originalLength < 0
            || compressedLength < 0
            || (originalLength == 0) != (compressedLength == 0)
            || (method == Lz4BlockWriter.METHOD_RAW && originalLength != compressedLength)) {
          throw corrupt("a bad block header");
        }
        if (originalLength == 0) {
          if (checksum != 0) {
            throw corrupt("an end mark with a checksum");
          }
          continue; // the end of one stream; another may follow (concatenated streams)
        }
        boolean direct = length >= originalLength;
        byte[] into = direct ? target : ensureBuffer(originalLength);
        int at = direct ? offset : 0;
        if (method == Lz4BlockWriter.METHOD_RAW) {
          readFully(into, at, originalLength);
        } else {
          if (compressed.length < compressedLength) {
            compressed = new byte[Math.max(compressedLength, compressed.length * 3 / 2)];
          }
          readFully(compressed, 0, compressedLength);
          int decompressed;
          try {
            decompressed =
                DECOMPRESSOR.decompress(compressed, 0, compressedLength, into, at, originalLength);
          } catch (LZ4Exception e) {
            throw new IOException("Stream is corrupted: the block does not decompress", e);
          }
          if (decompressed != originalLength) {
            throw corrupt("a block shorter than its header says");
          }
        }
        if ((HASH.hash(into, at, originalLength, Lz4BlockWriter.SEED)
                & Lz4BlockWriter.CHECKSUM_MASK)
            != checksum) {
          throw corrupt("a block whose checksum does not match");
        }
        if (direct) {
          return originalLength;
        }
        position = 0;
        limit = originalLength;
        return 0;
      }
    }
  }

  private byte[] ensureBuffer(int bytes) {
    if (buffer.length < bytes) {
      buffer = new byte[Math.max(bytes, buffer.length * 3 / 2)];
    }
    return buffer;
  }

  /** False at the true end of the bytes (none of a header read); EOFException inside one. */
  private boolean readHeader() throws IOException {
    int read = readSource(header, 0, header.length);
    if (read == 0) {
      return false;
    }
    if (read < header.length) {
      throw new EOFException("Stream ended prematurely: inside an lz4 block header");
    }
    for (int i = 0; i < Lz4BlockWriter.MAGIC.length; i++) {
      if (header[i] != Lz4BlockWriter.MAGIC[i]) {
        throw corrupt("no lz4 block magic");
      }
    }
    return true;
  }

  private void readFully(byte[] into, int at, int length) throws IOException {
    if (readSource(into, at, length) < length) {
      throw new EOFException("Stream ended prematurely: inside an lz4 block");
    }
  }

  /**
   * Reads {@code length} bytes of the source, fewer only at its end: from the read-ahead first,
   * then straight from the source for a long rest, else through the read-ahead again.
   */
  private int readSource(byte[] into, int at, int length) throws IOException {
    int read = 0;
    while (read < length) {
      if (readAheadPosition == readAheadLimit) {
        if (length - read >= readAhead.length) {
          int n = source.read(into, at + read, length - read);
          if (n < 0) {
            return read;
          }
          read += n;
          continue;
        }
        int n = source.read(readAhead, 0, readAhead.length);
        if (n < 0) {
          return read;
        }
        readAheadPosition = 0;
        readAheadLimit = n;
      }
      int n = Math.min(length - read, readAheadLimit - readAheadPosition);
      System.arraycopy(readAhead, readAheadPosition, into, at + read, n);
      readAheadPosition += n;
      read += n;
    }
    return read;
  }

  private int intLittleEndian(int at) {
    return (header[at] & 0xff)
        | (header[at + 1] & 0xff) << 8
        | (header[at + 2] & 0xff) << 16
        | (header[at + 3] & 0xff) << 24;
  }

  private static IOException corrupt(String what) {
    return new IOException("Stream is corrupted: " + what);
  }
}
