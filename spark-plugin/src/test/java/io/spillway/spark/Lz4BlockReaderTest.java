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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spillway.config.ShuffleCodec;
import io.spillway.testing.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.UUID;
import net.jpountz.lz4.LZ4BlockInputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.LZ4CompressionCodec;
import org.apache.spark.security.CryptoStreamUtils;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.ShuffleBlockBatchId;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.storage.TempLocalBlockId;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * {@link Lz4BlockReader} against its oracle, Spark's own {@code LZ4CompressionCodec}: what Spark's
 * codec wrote, one stream or several concatenated, reads back to the same bytes through one reader
 * reused over many streams, in random read sizes (single bytes, short reads, reads of a whole
 * block or more, which decompress straight into the caller's array); a corrupted or truncated
 * stream fails whenever Spark's codec stream fails, reads the same bytes when it does not fail, and
 * fails where Spark's does not only for a stream cut off inside a block header, which Spark's
 * stream takes for its end.
 * Seeds are printed.
 */
class Lz4BlockReaderTest {

  @Test
  void readsWhatSparksCodecWroteOverManyReusedStreams() throws IOException {
    long seed = TestSeed.next();
    SplittableRandom random = new SplittableRandom(seed);
    for (int blockSize : new int[] {64, 1024, 32 * 1024}) {
      LZ4CompressionCodec codec = Lz4TestData.codec(blockSize);
      Lz4BlockReader reader =
          new Lz4BlockReader(blockSize, 1 + new SplittableRandom(seed).nextInt(4 * blockSize));
      for (int round = 0; round < 40; round++) {
        int streams = 1 + (round % 5 == 4 ? random.nextInt(3) : 0);
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        for (int s = 0; s < streams; s++) {
          int size =
              round < 4
                  ? new int[] {0, 1, blockSize, blockSize + 1}[round]
                  : random.nextInt(4 * blockSize + 1);
          byte[] data = Lz4TestData.content(random, size);
          original.write(data);
          try (OutputStream out = codec.compressedOutputStream(compressed)) {
            out.write(data);
          }
        }
        String what = "block size " + blockSize + ", round " + round + ", seed " + seed;
        InputStream in = reader.open(new ByteArrayInputStream(compressed.toByteArray()));
        assertArrayEquals(original.toByteArray(), readInRandomPieces(random, in, blockSize), what);
        in.close();
        assertFalse(reader.isOpen(), what);
        assertThrows(IOException.class, () -> in.read(new byte[8], 0, 8), "closed: " + what);
      }
    }
  }

  @Test
  void failsWhereSparksCodecFails() throws IOException {
    long seed = TestSeed.next();
    SplittableRandom random = new SplittableRandom(seed);
    int blockSize = 1024;
    LZ4CompressionCodec codec = Lz4TestData.codec(blockSize);
    Lz4BlockReader reader =
        new Lz4BlockReader(blockSize, 1 + new SplittableRandom(seed).nextInt(4 * blockSize));
    int failures = 0;
    for (int round = 0; round < 300; round++) {
      byte[] data = Lz4TestData.content(random, 1 + random.nextInt(3 * blockSize));
      ByteArrayOutputStream compressed = new ByteArrayOutputStream();
      try (OutputStream out = codec.compressedOutputStream(compressed)) {
        out.write(data);
      }
      byte[] bytes = compressed.toByteArray();
      boolean truncated = random.nextBoolean();
      if (!truncated) {
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
      } else {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      String what = "round " + round + ", seed " + seed;
      byte[] spark = null;
      try (InputStream in = codec.compressedInputStream(new ByteArrayInputStream(bytes))) {
        spark = in.readAllBytes();
      } catch (IOException expected) {
        // Spark's codec rejects it: so must the reader
      }
      byte[] ours = null;
      InputStream in = reader.open(new ByteArrayInputStream(bytes));
      try {
        ours = in.readAllBytes();
      } catch (IOException expected) {
        failures++;
      } finally {
        in.close();
      }
      if (spark == null) {
        assertTrue(ours == null, "Spark's codec fails, so must the reader: " + what);
      } else if (ours != null) {
        assertArrayEquals(spark, ours, what);
      } else {
        // Stricter than Spark's stream, which takes a header cut short at the end of the bytes
        // for the end of the stream (and so may lose a block): only a truncation may differ.
        assertTrue(truncated, "the reader fails where Spark's codec reads: " + what);
      }
      assertFalse(reader.isOpen());
    }
    assertTrue(failures > 100, "most corruptions are caught: " + failures + " of 300");
  }

  /**
   * The reused reader is taken only for shuffle blocks with Spark's lz4 codec and no encryption;
   * other blocks, and a second block while the first is open, get Spark's {@code wrapStream}; a
   * block that nothing decodes comes back as the very stream given.
   */
  @Test
  void blockInputStreamsReuseTheReaderOnlyWhereSparkReadsTheSameFormat() throws IOException {
    SparkConf conf = new SparkConf();
    SerializerManager plain = new SerializerManager(new KryoSerializer(conf), conf, Option.empty());
    BlockInputStreams lz4 = new BlockInputStreams(plain, new ShuffleCodec(true, true, 32 * 1024));
    assertTrue(lz4.reusesLz4Reader());
    InputStream first =
        lz4.wrap(new ShuffleBlockId(0, 1L, 2), new ByteArrayInputStream(new byte[0]));
    assertFalse(first instanceof LZ4BlockInputStream, "the reused reader's stream");
    assertInstanceOf(
        LZ4BlockInputStream.class,
        lz4.wrap(new ShuffleBlockBatchId(0, 1L, 0, 4), new ByteArrayInputStream(new byte[0])),
        "the reader is open: the second block gets Spark's stream");
    first.close();
    assertInstanceOf(
        LZ4BlockInputStream.class,
        lz4.wrap(new TempLocalBlockId(UUID.randomUUID()), new ByteArrayInputStream(new byte[0])),
        "not a shuffle block: Spark's stream");

    SparkConf off = new SparkConf().set("spark.shuffle.compress", "false");
    BlockInputStreams uncompressed =
        new BlockInputStreams(
            new SerializerManager(new KryoSerializer(off), off, Option.empty()),
            ShuffleCodec.fromSparkConf(off));
    assertFalse(uncompressed.reusesLz4Reader());
    InputStream raw = new ByteArrayInputStream(new byte[0]);
    assertSame(raw, uncompressed.wrap(new ShuffleBlockId(0, 1L, 2), raw));

    SparkConf encrypted = new SparkConf().set("spark.io.encryption.enabled", "true");
    SerializerManager cipher =
        new SerializerManager(
            new KryoSerializer(encrypted),
            encrypted,
            Option.apply(CryptoStreamUtils.createKey(encrypted)));
    assertFalse(
        new BlockInputStreams(cipher, new ShuffleCodec(true, true, 32 * 1024)).reusesLz4Reader());
    assertFalse(
        new BlockInputStreams(plain, new ShuffleCodec(true, true, 0)).reusesLz4Reader(),
        "another codec");
  }

  private static byte[] readInRandomPieces(SplittableRandom random, InputStream in, int blockSize)
      throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    while (true) {
      int kind = random.nextInt(5);
      if (kind == 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        read.write(b);
        continue;
      }
      if (kind == 1 && in.skip(0) != 0) {
        throw new AssertionError("skip(0) skipped");
      }
      int most = kind == 2 ? 16 : kind == 3 ? blockSize : 3 * blockSize;
      byte[] target = new byte[most + 10];
      int n = in.read(target, 5, 1 + random.nextInt(most));
      if (n < 0) {
        break;
      }
      read.write(target, 5, n);
    }
    assertEquals(-1, in.read(), "stays at its end");
    return read.toByteArray();
  }
}
