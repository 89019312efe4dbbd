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

import io.spillway.config.ShuffleCodec;
import java.io.BufferedInputStream;
import java.io.InputStream;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleBlockBatchId;
import org.apache.spark.storage.ShuffleBlockChunkId;
import org.apache.spark.storage.ShuffleBlockId;

/**
 * The reduce side's decoding streams, one reduce task's worth: a fetched block's stream
 * decompressed and decrypted as {@code SerializerManager.wrapStream(blockId, in)} does, and for
 * Spark's own lz4 codec through one {@link Lz4BlockReader} reused for block after block.
 *
 * <p>The reused reader is taken for shuffle blocks ({@code ShuffleBlockId}, a batch of them, a
 * push-merged chunk: Spark decompresses all of them exactly when {@code spark.shuffle.compress} is
 * on) when the codec is Spark's {@code LZ4CompressionCodec}, IO encryption is off and the reader
 * is not open on another block already; else Spark's streams. A block that nothing decodes comes
 * back as the very stream given (the fetcher decides its corruption checks on that).
 */
public final class BlockInputStreams {
  /**
   * Read buffer under Spark's codec or cipher stream: a local block's stream is an unbuffered
   * file read, and a codec reads each frame's small header and body separately (with many spills
   * a block holds hundreds of tiny frames, one per spill), a system call each. Block reads at
   * least this large skip it, so it only gathers the small reads. The reused reader has its own.
   */
  static final int DECODE_BUFFER_BYTES = 16 * 1024;

  private final SerializerManager serializerManager;
  private final boolean decoded;

  /** Null when Spark's codec streams must be used. */
  private final Lz4BlockReader lz4;

  /**
   * @param codec whether shuffle blocks are compressed, and the lz4 block size when the codec is
   *     Spark's lz4 (else 0)
   */
  public BlockInputStreams(SerializerManager serializerManager, ShuffleCodec codec) {
    this.serializerManager = serializerManager;
    this.decoded = codec.compress() || serializerManager.encryptionEnabled();
    this.lz4 =
        codec.isSparkLz4() && !serializerManager.encryptionEnabled()
            ? new Lz4BlockReader(codec.lz4BlockSizeBytes(), DECODE_BUFFER_BYTES)
            : null;
  }

  /** {@code in} decompressed (and decrypted) as Spark would for {@code blockId}. */
  public InputStream wrap(BlockId blockId, InputStream in) {
    if (lz4 != null
        && !lz4.isOpen()
        && (blockId instanceof ShuffleBlockId
            || blockId instanceof ShuffleBlockBatchId
            || blockId instanceof ShuffleBlockChunkId)) {
      return lz4.open(in);
    }
    if (!decoded) {
      return serializerManager.wrapStream(blockId, in);
    }
    return serializerManager.wrapStream(blockId, new BufferedInputStream(in, DECODE_BUFFER_BYTES));
  }

  /** Whether {@link #wrap} reuses one lz4 reader (for tests). */
  public boolean reusesLz4Reader() {
    return lz4 != null;
  }
}
