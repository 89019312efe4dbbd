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
import java.io.OutputStream;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.storage.TempShuffleBlockId;

/**
 * The map side's compressing streams, one map task's worth: what {@code
 * SerializerManager.wrapStream(blockId, out)} gives, and for Spark's own lz4 codec the same bytes
 * from one {@link Lz4BlockWriter} reused for partition after partition.
 *
 * <p>The reused writer is taken when all of these hold, else Spark's {@code wrapStream}:
 *
 * <ul>
 *   <li>the block is a map output's ({@code ShuffleBlockId}) or a map-side spill's ({@code
 *       TempShuffleBlockId}): Spark compresses both exactly when {@code spark.shuffle.compress}
 *       is on;
 *   <li>{@code spark.shuffle.compress} is on and the codec is Spark's {@code LZ4CompressionCodec}
 *       ({@link ShuffleCodec#lz4BlockSizeBytes}), whose stream format {@link Lz4BlockWriter}
 *       writes;
 *   <li>IO encryption is off (the cipher stream would sit below the codec);
 *   <li>the writer is not open on another stream already (streams of one task are written one
 *       after the other; a second one at the same time gets Spark's).
 * </ul>
 */
public final class BlockOutputStreams {
  private final SerializerManager serializerManager;

  /** Null when Spark's codec streams must be used. */
  private final Lz4BlockWriter lz4;

  public BlockOutputStreams(SerializerManager serializerManager, ShuffleCodec codec) {
    this.serializerManager = serializerManager;
    boolean reusable =
        serializerManager != null && codec.isSparkLz4() && !serializerManager.encryptionEnabled();
    this.lz4 = reusable ? new Lz4BlockWriter(codec.lz4BlockSizeBytes()) : null;
  }

  /** {@code out} compressed (and encrypted) as Spark would for {@code blockId}. */
  public OutputStream wrap(BlockId blockId, OutputStream out) {
    if (lz4 != null
        && !lz4.isOpen()
        && (blockId instanceof ShuffleBlockId || blockId instanceof TempShuffleBlockId)) {
      return lz4.open(out);
    }
    return serializerManager.wrapStream(blockId, out);
  }

  /** Whether {@link #wrap} reuses one lz4 writer (for tests and the log). */
  public boolean reusesLz4Writer() {
    return lz4 != null;
  }
}
