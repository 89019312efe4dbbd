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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.config.ShuffleCodec;
import io.spillway.config.WriteSettings;
import io.spillway.testing.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.LZ4CompressionCodec;
import org.apache.spark.security.CryptoStreamUtils;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.storage.TempShuffleBlockId;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * {@link Lz4BlockWriter} against its oracle, Spark's own {@code LZ4CompressionCodec}: the same
 * bytes in give the same compressed bytes out, for one writer reused over many streams, with
 * empty, tiny, block-sized, multi-block, compressible and incompressible contents, written in
 * random pieces (single bytes, short and long arrays, pieces longer than a block); and Spark's
 * codec decodes them back. Seeds are printed.
 */
class Lz4BlockWriterTest {

  @Test
  void writesWhatSparksCodecWritesOverManyReusedStreams() throws IOException {
    long seed = TestSeed.next();
    SplittableRandom random = new SplittableRandom(seed);
    for (int blockSize : new int[] {64, 1024, 32 * 1024, 100_000}) {
      LZ4CompressionCodec codec = Lz4TestData.codec(blockSize);
      Lz4BlockWriter writer = new Lz4BlockWriter(blockSize);
      int[] sizes = {
        0, 1, 7, blockSize - 1, blockSize, blockSize + 1, 2 * blockSize, 3 * blockSize + 17
      };
      for (int round = 0; round < 40; round++) {
        int size = round < sizes.length ? sizes[round] : random.nextInt(4 * blockSize + 1);
        byte[] data = Lz4TestData.content(random, size);
        String what = "block size " + blockSize + ", " + size + " bytes, seed " + seed;

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (OutputStream spark = codec.compressedOutputStream(expected)) {
          spark.write(data);
        }
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        try (OutputStream ours = writer.open(actual)) {
          writeInRandomPieces(random, ours, data, blockSize);
        }
        assertFalse(writer.isOpen(), what);
        assertArrayEquals(expected.toByteArray(), actual.toByteArray(), what);
        assertArrayEquals(data, decode(codec, actual.toByteArray()), what);
      }
    }
  }

  @Test
  void oneStreamAtATime() throws IOException {
    Lz4BlockWriter writer = new Lz4BlockWriter(1024);
    OutputStream first = writer.open(new ByteArrayOutputStream());
    assertThrows(IllegalStateException.class, () -> writer.open(new ByteArrayOutputStream()));
    first.close();
    first.close(); // a second close is a no-op, as for any stream
    assertThrows(IOException.class, () -> first.write(1));
    OutputStream second = writer.open(new ByteArrayOutputStream());
    first.close(); // a stale stream closes nothing of the next one
    assertTrue(writer.isOpen());
    assertThrows(IOException.class, () -> first.write(new byte[4], 0, 4));
    second.close();
    assertThrows(IllegalArgumentException.class, () -> new Lz4BlockWriter(63));
  }

  @Test
  void aFailedStreamLeavesTheWriterFreeAndClosesItsTarget() throws IOException {
    Lz4BlockWriter writer = new Lz4BlockWriter(64);
    boolean[] closed = {false};
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void close() {
            closed[0] = true;
          }
        };
    OutputStream stream = writer.open(failing);
    stream.write(new byte[10]); // buffered, not yet written
    assertThrows(IOException.class, () -> stream.write(new byte[200]));
    assertThrows(IOException.class, stream::close);
    assertTrue(closed[0]);
    assertFalse(writer.isOpen());
  }

  /**
   * The reused writer is taken only for map-side blocks with Spark's lz4 codec and no encryption;
   * everything else, and a second stream while the first is open, gets Spark's {@code wrapStream}.
   */
  @Test
  void blockOutputStreamsReuseTheWriterOnlyWhereSparkWouldWriteTheSameBytes() throws IOException {
    ShuffleBlockId output = new ShuffleBlockId(0, 1L, 2);
    TempShuffleBlockId mapSpill = new TempShuffleBlockId(java.util.UUID.randomUUID());
    TempLocalBlockId reduceSpill = new TempLocalBlockId(java.util.UUID.randomUUID());

    BlockOutputStreams lz4 = streams(new SparkConf(), false);
    assertTrue(lz4.reusesLz4Writer());
    OutputStream first = lz4.wrap(output, new ByteArrayOutputStream());
    assertFalse(first instanceof LZ4BlockOutputStream, "the reused writer's stream");
    assertInstanceOf(
        LZ4BlockOutputStream.class,
        lz4.wrap(mapSpill, new ByteArrayOutputStream()),
        "the writer is open: the second stream is Spark's");
    first.close();
    assertInstanceOf(
        LZ4BlockOutputStream.class,
        lz4.wrap(reduceSpill, new ByteArrayOutputStream()),
        "reduce-side spills follow spark.shuffle.spill.compress: Spark's stream");
    assertFalse(
        lz4.wrap(mapSpill, new ByteArrayOutputStream()) instanceof LZ4BlockOutputStream,
        "closed, the writer is reused");

    assertFalse(streams(new SparkConf(), true).reusesLz4Writer(), "encrypted");
    assertFalse(
        streams(new SparkConf().set("spark.io.compression.codec", "zstd"), false)
            .reusesLz4Writer());
    assertFalse(
        streams(new SparkConf().set("spark.shuffle.compress", "false"), false).reusesLz4Writer());
    assertEquals(
        4096,
        WriteSettings.fromSparkConf(new SparkConf().set("spark.io.compression.lz4.blockSize", "4k"))
            .codec()
            .lz4BlockSizeBytes());
  }

  private static BlockOutputStreams streams(SparkConf conf, boolean encrypt) {
    conf.set("spark.io.encryption.enabled", String.valueOf(encrypt));
    Option<byte[]> key = encrypt ? Option.apply(CryptoStreamUtils.createKey(conf)) : Option.empty();
    SerializerManager manager = new SerializerManager(new KryoSerializer(conf), conf, key);
    return new BlockOutputStreams(manager, ShuffleCodec.fromSparkConf(conf));
  }

  private static void writeInRandomPieces(
      SplittableRandom random, OutputStream out, byte[] data, int blockSize) throws IOException {
    int at = 0;
    while (at < data.length) {
      int kind = random.nextInt(4);
      if (kind == 0) {
        out.write(data[at++]);
        continue;
      }
      int most = kind == 1 ? 16 : kind == 2 ? blockSize : 3 * blockSize;
      int piece = Math.min(data.length - at, 1 + random.nextInt(most));
      // from an offset inside a larger array, as the callers' staging buffers are
      byte[] source = new byte[piece + 10];
      System.arraycopy(data, at, source, 5, piece);
      out.write(source, 5, piece);
      at += piece;
      if (random.nextInt(8) == 0) {
        out.flush();
      }
    }
  }

  private static byte[] decode(LZ4CompressionCodec codec, byte[] compressed) throws IOException {
    try (InputStream in = codec.compressedInputStream(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }
}
