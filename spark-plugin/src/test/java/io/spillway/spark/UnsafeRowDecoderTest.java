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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;

/**
 * {@link UnsafeRowDecoder} against rows written by Spark SQL's own UnsafeRowSerializer, read
 * through a stream that returns random short reads (seeded, printed; {@code
 * -Dspillway.test.seed=N} replays): the same rows, rows larger than its buffers, the last row
 * intact while {@code hasNext()} reads ahead (in its block or the next, which gets its buffers), and a truncated block reported, not dropped.
 */
class UnsafeRowDecoderTest {
  private static final int FIELDS = 3;

  @Test
  void readsWhatSparksSerializerWrote() {
    long seed = Long.getLong("spillway.test.seed", System.nanoTime());
    System.out.println("UnsafeRowDecoderTest seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    SerializerInstance spark = new UnsafeRowSerializer(FIELDS, null).newInstance();
    UnsafeRowDecoder decoder = UnsafeRowDecoder.forSerializer(spark);
    assertNotNull(decoder);
    // several blocks through one decoder, one after the other, as a reduce task reads them: the
    // buffers go from block to block, and the last row of one block must stay intact while the
    // next block's first hasNext() reads ahead
    UnsafeRow previous = null;
    byte[] previousExpected = null;
    for (int b = 0; b < 6; b++) {
      List<byte[]> expected = new ArrayList<>();
      int count = b == 2 ? 0 : b == 3 ? 1 : 1 + random.nextInt(3_000);
      byte[] block = write(spark, random, count, expected);
      ClosingStream in = new ClosingStream(block, random);
      Iterator<Tuple2<Object, Object>> rows = decoder.rows(in);
      int index = 0;
      while (rows.hasNext()) {
        if (previous != null) {
          // hasNext() has read ahead: the row returned last must not have moved
          assertEquals(
              Arrays.toString(previousExpected),
              Arrays.toString(previous.getBytes()),
              "the row before row "
                  + index
                  + " of block "
                  + b
                  + " changed under hasNext(), seed "
                  + seed);
        }
        Tuple2<Object, Object> next = rows.next();
        assertEquals(0, next._1());
        UnsafeRow row = (UnsafeRow) next._2();
        assertEquals(
            Arrays.toString(expected.get(index)),
            Arrays.toString(row.getBytes()),
            "row " + index + " of block " + b + ", seed " + seed);
        previous = row;
        previousExpected = expected.get(index);
        index++;
      }
      assertEquals(expected.size(), index);
      assertTrue(in.closed, "the block's stream is closed after its last row");
      assertFalse(rows.hasNext());
    }
  }

  @Test
  void aBlockCutInsideARowIsCorrupt() {
    SerializerInstance spark = new UnsafeRowSerializer(FIELDS, null).newInstance();
    byte[] block = write(spark, new SplittableRandom(3), 50, new ArrayList<>());
    for (int cut : new int[] {block.length - 1, block.length - 30, 2}) {
      Iterator<Tuple2<Object, Object>> rows =
          UnsafeRowDecoder.forSerializer(spark)
              .rows(new ByteArrayInputStream(Arrays.copyOf(block, cut)));
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> {
                while (rows.hasNext()) {
                  rows.next();
                }
              });
      assertInstanceOf(EOFException.class, e.getCause());
    }
  }

  private static byte[] write(
      SerializerInstance serializer, SplittableRandom random, int count, List<byte[]> rows) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SerializationStream stream = serializer.serializeStream(bytes);
    UnsafeRowWriter writer = new UnsafeRowWriter(FIELDS);
    for (int i = 0; i < count; i++) {
      writer.reset();
      writer.zeroOutNullBytes();
      writer.write(0, random.nextLong());
      writer.write(1, random.nextInt());
      int length = random.nextInt(50) == 0 ? 70_000 + random.nextInt(200_000) : random.nextInt(60);
      char[] text = new char[length];
      Arrays.fill(text, (char) ('a' + random.nextInt(26)));
      writer.write(2, UTF8String.fromString(new String(text)));
      UnsafeRow row = writer.getRow();
      rows.add(Arrays.copyOf(row.getBytes(), row.getSizeInBytes()));
      stream.writeValue(row, ClassTag$.MODULE$.Object());
    }
    stream.close();
    return bytes.toByteArray();
  }

  /** Returns 1 to 5,000 bytes a read and remembers being closed. */
  private static final class ClosingStream extends InputStream {
    private final ByteArrayInputStream in;
    private final SplittableRandom random;
    boolean closed;

    ClosingStream(byte[] bytes, SplittableRandom random) {
      this.in = new ByteArrayInputStream(bytes);
      this.random = random;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, 1 + random.nextInt(5_000)));
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
