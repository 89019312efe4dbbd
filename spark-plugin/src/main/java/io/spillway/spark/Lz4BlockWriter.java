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

import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes the stream Spark's {@code LZ4CompressionCodec} writes (lz4-java's {@code
 * LZ4BlockOutputStream} with Spark's settings), byte for byte, but is opened again and again on one
 * partition's stream after another with the same buffers, compressor and hash.
 *
 * <p>Why: a map output has one compressed stream per non-empty partition. Spark's codec makes a new
 * {@code LZ4BlockOutputStream} for each: two zeroed buffers of the block size (32 KiB by default)
 * and a native streaming-hash state with a finalizer. With thousands of small partitions per map
 * task that set-up, not the compression, is most of the write-out (see the profile in {@code
 * docs/benchmarks/history/lz4-block-streams-901dae5.md}).
 *
 * <pre>
 *   stream   = block* end-mark
 *   block    = magic | token | compressed length | original length | checksum | data
 *              8 B     1 B     4 B little-endian   4 B little-endian  4 B LE     compressed length B
 *   magic    = "LZ4Block"
 *   token    = method | level        method: 0x10 raw (data stored), 0x20 lz4 (data compressed)
 *                                    level:  log2(block size) - 10, at least 0
 *   checksum = XXH32(original bytes, seed 0x9747b28c) &amp; 0x0FFFFFFF
 *   end-mark = a raw block with both lengths and the checksum 0 (21 bytes, no data)
 * </pre>
 *
 * Every block but the last holds exactly the block size of original bytes; a block whose lz4 form
 * is not shorter is stored raw. {@code flush()} does not end a block (Spark's codec does not sync
 * flush), so how the bytes were split into {@code write} calls does not change the output.
 *
 * <p>One stream at a time: {@link #open} while the previous stream is not closed is an error.
 * Closing a stream writes its end mark and closes the stream underneath; a closed stream fails on
 * every write, so a stale reference never writes into the next partition. Not thread-safe.
 */
public final class Lz4BlockWriter {
  static final byte[] MAGIC = {'L', 'Z', '4', 'B', 'l', 'o', 'c', 'k'};
  static final int HEADER_BYTES = MAGIC.length + 1 + 4 + 4 + 4;
  static final int METHOD_RAW = 0x10;
  static final int METHOD_LZ4 = 0x20;
  static final int SEED = 0x9747b28c;
  static final int CHECKSUM_MASK = 0x0FFFFFFF;

  /** lz4-java's bounds on the block size, which its stream checks too. */
  static final int MIN_BLOCK_BYTES = 64;

  static final int MAX_BLOCK_BYTES = 1 << 25;

  // Spark's codec takes both from fastestInstance() (JNI where it loads): so must this, for the
  // same bytes. Both are thread-safe.
  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  private static final XXHash32 HASH = XXHashFactory.fastestInstance().hash32();

  private final int blockBytes;
  private final int level;
  private final byte[] buffer;
  private final byte[] compressed;
  private int buffered;
  private OutputStream out;
  private BlockStream current;

  /** @param blockBytes {@code spark.io.compression.lz4.blockSize} */
  public Lz4BlockWriter(int blockBytes) {
    if (blockBytes < MIN_BLOCK_BYTES || blockBytes > MAX_BLOCK_BYTES) {
      throw new IllegalArgumentException(
          "lz4 block size "
              + blockBytes
              + " is outside ["
              + MIN_BLOCK_BYTES
              + ", "
              + MAX_BLOCK_BYTES
              + "]");
    }
    this.blockBytes = blockBytes;
    this.level = Math.max(0, 32 - Integer.numberOfLeadingZeros(blockBytes - 1) - 10);
    this.buffer = new byte[blockBytes];
    this.compressed = new byte[HEADER_BYTES + COMPRESSOR.maxCompressedLength(blockBytes)];
    System.arraycopy(MAGIC, 0, compressed, 0, MAGIC.length);
  }

  /** A new compressed stream on {@code target}, this writer's until it is closed. */
  public OutputStream open(OutputStream target) {
    if (current != null) {
      throw new IllegalStateException("the previous lz4 stream is still open");
    }
    out = target;
    buffered = 0;
    current = new BlockStream();
    return current;
  }

  /** Whether a stream is open (handed out and not closed yet). */
  public boolean isOpen() {
    return current != null;
  }

  private final class BlockStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      ensureOpen(this);
      writeByte(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ensureOpen(this);
      writeBytes(bytes, offset, length);
    }

    /** Flushes the stream underneath; buffered bytes stay buffered (no sync flush, as Spark). */
    @Override
    public void flush() throws IOException {
      ensureOpen(this);
      out.flush();
    }

    /** Writes the buffered block and the end mark, and closes the stream underneath. */
    @Override
    public void close() throws IOException {
      if (current == this) {
        finish();
      }
    }
  }

  private void writeByte(int b) throws IOException {
    if (buffered == blockBytes) {
      writeBlock(buffer, 0, buffered);
      buffered = 0;
    }
    buffer[buffered++] = (byte) b;
  }

  private void writeBytes(byte[] bytes, int offset, int length) throws IOException {
    if ((offset | length) < 0 || length > bytes.length - offset) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + " of " + bytes.length + " bytes");
    }
    // Same block boundaries as LZ4BlockOutputStream: a full buffer is written once more bytes
    // come; whole blocks of the caller's array are compressed from there, without the copy.
    while (length > blockBytes - buffered) {
      if (buffered == 0) {
        writeBlock(bytes, offset, blockBytes);
        offset += blockBytes;
        length -= blockBytes;
      } else {
        int chunk = blockBytes - buffered;
        System.arraycopy(bytes, offset, buffer, buffered, chunk);
        writeBlock(buffer, 0, blockBytes);
        buffered = 0;
        offset += chunk;
        length -= chunk;
      }
    }
    System.arraycopy(bytes, offset, buffer, buffered, length);
    buffered += length;
  }

  private void finish() throws IOException {
    OutputStream target = out;
    try {
      if (buffered > 0) {
        writeBlock(buffer, 0, buffered);
        buffered = 0;
      }
      compressed[MAGIC.length] = (byte) (METHOD_RAW | level);
      putIntLittleEndian(0, MAGIC.length + 1);
      putIntLittleEndian(0, MAGIC.length + 5);
      putIntLittleEndian(0, MAGIC.length + 9);
      target.write(compressed, 0, HEADER_BYTES);
      target.flush();
    } finally {
      // a failed stream is not written to again, and the writer is free for the next one
      out = null;
      current = null;
      buffered = 0;
      target.close();
    }
  }

  private void writeBlock(byte[] bytes, int offset, int length) throws IOException {
    int checksum = HASH.hash(bytes, offset, length, SEED) & CHECKSUM_MASK;
    int compressedLength = COMPRESSOR.compress(bytes, offset, length, compressed, HEADER_BYTES);
    int method = METHOD_LZ4;
    if (compressedLength >= length) {
      method = METHOD_RAW;
      compressedLength = length;
      System.arraycopy(bytes, offset, compressed, HEADER_BYTES, length);
    }
    compressed[MAGIC.length] = (byte) (method | level);
    putIntLittleEndian(compressedLength, MAGIC.length + 1);
    putIntLittleEndian(length, MAGIC.length + 5);
    putIntLittleEndian(checksum, MAGIC.length + 9);
    out.write(compressed, 0, HEADER_BYTES + compressedLength);
  }

  private void putIntLittleEndian(int value, int at) {
    compressed[at] = (byte) value;
    compressed[at + 1] = (byte) (value >>> 8);
    compressed[at + 2] = (byte) (value >>> 16);
    compressed[at + 3] = (byte) (value >>> 24);
  }

  private void ensureOpen(BlockStream stream) throws IOException {
    if (current != stream) {
      throw new IOException("lz4 stream is closed");
    }
  }
}
