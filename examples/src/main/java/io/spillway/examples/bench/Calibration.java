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
package io.spillway.examples.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.LZ4CompressionCodec;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The machine's ceiling, measured in its own JVM before a benchmark's jobs, on one thread (so
 * every figure is per core):
 *
 * <ul>
 *   <li>per (workload, serializer): the workload's shuffle input records ({@link
 *       Workloads.ShuffleInput}) serialized as the shuffle serializes them (SQL rows by Spark's
 *       {@code UnsafeRowSerializer}, RDD pairs key then value by the run's {@code spark.serializer}),
 *       then compressed and decompressed with Spark's own {@link LZ4CompressionCodec} (lz4-java,
 *       {@code spark.io.compression.lz4.blockSize} as configured, 32 KiB by default): MB/s of
 *       serialized (uncompressed) bytes, the compression ratio and serialized bytes per record;
 *   <li>memcpy: {@code System.arraycopy} of a 64 MiB array (larger than any cache);
 *   <li>sequential file write through the page cache (what a shuffle writer does: Spark never
 *       fsyncs shuffle files), the same with an fsync at the end (the device's write rate), read of
 *       the file just written (from the page cache, as a reducer reading fresh map output on the
 *       same host does) and read with {@code O_DIRECT} (the device, bypassing the page cache).
 * </ul>
 *
 * <p>Each rate is the median of timed passes (at least 3 and at least 1 s in all) after
 * unmeasured ones. Arguments: {@code <result file> <sample MiB> <file MiB> <serializers>
 * <workload>...}; writes a properties file, keys {@code <workload>/<serializer>.lz4CompressMBps}
 * and so on (MB = 10^6 bytes).
 */
public final class Calibration {
  private Calibration() {}

  static final String[] SERIALIZERS = {"kryo", "java"};

  public static void main(String[] args) throws IOException {
    Path resultFile = Path.of(args[0]);
    long sampleBytes = Long.parseLong(args[1]) << 20;
    long fileBytes = Long.parseLong(args[2]) << 20;
    List<String> serializers = Arrays.asList(args[3].split(","));
    List<String> workloads = Arrays.asList(args).subList(4, args.length);
    Properties p = new Properties();
    byte[] anyCompressed = null;
    for (String serializer : serializers) {
      SparkSession spark = SparkSession.builder().config(sparkConf(serializer)).getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      try {
        CompressionCodec codec = new LZ4CompressionCodec(spark.sparkContext().conf());
        for (String name : workloads) {
          Workloads.Workload workload = Workloads.byName(name);
          if (workload.sql() && !serializer.equals(serializers.get(0))) {
            continue; // SQL exchanges serialize with UnsafeRowSerializer whatever spark.serializer
            // is
          }
          String key = key(name, serializer);
          long perRecord = Math.max(1, serializedBytes(spark, workload, 20_000).length / 20_000);
          long records = Math.max(1000, sampleBytes / perRecord);
          byte[] sample = serializedBytes(spark, workload, records);
          byte[] compressed = compress(codec, sample, new ByteArrayOutputStream(sample.length));
          anyCompressed = compressed;
          ByteArrayOutputStream sink = new ByteArrayOutputStream(compressed.length + 1024);
          double compressMBps =
              rate(
                  sample.length,
                  () -> {
                    sink.reset();
                    compress(codec, sample, sink);
                  });
          byte[] buffer = new byte[64 * 1024];
          double decompressMBps = rate(sample.length, () -> decompress(codec, compressed, buffer));
          p.setProperty(key + ".sampleBytes", Long.toString(sample.length));
          p.setProperty(key + ".bytesPerRecord", format(sample.length / (double) records));
          p.setProperty(key + ".ratio", format(compressed.length / (double) sample.length));
          p.setProperty(key + ".lz4CompressMBps", format(compressMBps));
          p.setProperty(key + ".lz4DecompressMBps", format(decompressMBps));
          System.err.printf(
              "calibration %s: %,d bytes (%.1f per record), lz4 ratio %.3f, compress"
                  + " %.0f MB/s, decompress %.0f MB/s%n",
              key,
              sample.length,
              sample.length / (double) records,
              compressed.length / (double) sample.length,
              compressMBps,
              decompressMBps);
        }
      } finally {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
      }
    }
    byte[] from = new byte[64 << 20];
    byte[] to = new byte[from.length];
    Arrays.fill(from, (byte) 7);
    p.setProperty(
        "memcpyMBps",
        format(rate(from.length, () -> System.arraycopy(from, 0, to, 0, from.length))));
    fileRates(fileBytes, anyCompressed == null ? from : anyCompressed, p);
    p.setProperty("sampleMiB", Long.toString(sampleBytes >> 20));
    p.setProperty("fileMiB", Long.toString(fileBytes >> 20));
    p.setProperty(
        "lz4",
        "Spark's LZ4CompressionCodec, block size "
            + new SparkConf().get("spark.io.compression.lz4.blockSize", "32k")
            + ", lz4-java from "
            + Path.of(
                    net.jpountz.lz4.LZ4Factory.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getFileName()
            + " ("
            + net.jpountz.lz4.LZ4Factory.fastestInstance()
            + ")");
    p.setProperty("status", "OK");
    p.list(System.err);
    BenchmarkRun.write(p, resultFile);
    System.exit(0);
  }

  static String key(String workload, String serializer) {
    return workload + "/" + serializer;
  }

  static SparkConf sparkConf(String serializer) {
    return new SparkConf()
        .setMaster("local[1]")
        .setAppName("spillway-benchmark-calibration")
        .set("spark.ui.enabled", "false")
        .set("spark.serializer", serializerClass(serializer));
  }

  static String serializerClass(String serializer) {
    switch (serializer) {
      case "kryo":
        return "org.apache.spark.serializer.KryoSerializer";
      case "java":
        return "org.apache.spark.serializer.JavaSerializer";
      default:
        throw new IllegalArgumentException(
            "Unknown serializer '" + serializer + "'; known: kryo, java");
    }
  }

  /** The workload's shuffle input on {@code records} records, serialized, one stream per partition. */
  static byte[] serializedBytes(SparkSession spark, Workloads.Workload workload, long records) {
    Object input = workload.input().records(spark, records);
    List<byte[]> parts;
    if (input instanceof Dataset<?> dataset) {
      StructType schema = dataset.schema();
      int fields = schema.fields().length;
      parts =
          dataset
              .queryExecution()
              .toRdd()
              .toJavaRDD()
              .mapPartitions(
                  (Iterator<InternalRow> rows) -> {
                    UnsafeProjection toUnsafe = UnsafeProjection.create(schema);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    SerializationStream out =
                        new UnsafeRowSerializer(fields, null).newInstance().serializeStream(bytes);
                    ClassTag<Object> any = ClassTag$.MODULE$.Any();
                    while (rows.hasNext()) {
                      out.writeKey(0, any);
                      out.writeValue(toUnsafe.apply(rows.next()), any);
                    }
                    out.close();
                    return List.of(bytes.toByteArray()).iterator();
                  })
              .collect();
    } else {
      @SuppressWarnings("unchecked")
      JavaPairRDD<Object, Object> rdd = (JavaPairRDD<Object, Object>) input;
      parts =
          rdd.mapPartitions(
                  (Iterator<Tuple2<Object, Object>> pairs) -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    SerializationStream out =
                        SparkEnv.get().serializer().newInstance().serializeStream(bytes);
                    ClassTag<Object> anyRef = ClassTag$.MODULE$.AnyRef();
                    while (pairs.hasNext()) {
                      Tuple2<Object, Object> pair = pairs.next();
                      out.writeKey(pair._1(), anyRef);
                      out.writeValue(pair._2(), anyRef);
                    }
                    out.close();
                    return List.of(bytes.toByteArray()).iterator();
                  })
              .collect();
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    parts.forEach(all::writeBytes);
    return all.toByteArray();
  }

  static byte[] compress(CompressionCodec codec, byte[] data, ByteArrayOutputStream sink) {
    try (OutputStream out = codec.compressedOutputStream(sink)) {
      out.write(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sink.toByteArray();
  }

  static long decompress(CompressionCodec codec, byte[] compressed, byte[] buffer) {
    long total = 0;
    try (InputStream in = codec.compressedInputStream(new ByteArrayInputStream(compressed))) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return total;
  }

  @FunctionalInterface
  interface Pass {
    void run() throws IOException;
  }

  /** MB/s of {@code bytes} per pass: median of timed passes (>= 3, >= 1 s) after 2 unmeasured. */
  static double rate(long bytes, Pass pass) throws IOException {
    for (int i = 0; i < 2; i++) {
      pass.run();
    }
    List<Double> rates = new ArrayList<>();
    long start = System.nanoTime();
    while (rates.size() < 3 || System.nanoTime() - start < 1_000_000_000L) {
      long t0 = System.nanoTime();
      pass.run();
      rates.add(bytes / ((System.nanoTime() - t0) / 1e9) / 1e6);
    }
    rates.sort(null);
    return rates.get(rates.size() / 2);
  }

  /** Sequential file rates in java.io.tmpdir (Spark's local dir unless spark.local.dir is set). */
  static void fileRates(long fileBytes, byte[] content, Properties p) throws IOException {
    Path dir = Files.createTempDirectory("spillway-calibration-");
    Path file = dir.resolve("sequential.data");
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = content[i % content.length];
    }
    try {
      p.setProperty("fileDirectory", dir.getParent().toString());
      p.setProperty(
          "fileWriteMBps",
          format(fileBytes / seconds(() -> write(file, fileBytes, chunk, false)) / 1e6));
      p.setProperty("fileReadMBps", format(fileBytes / seconds(() -> read(file, chunk)) / 1e6));
      p.setProperty(
          "fileWriteFsyncMBps",
          format(fileBytes / seconds(() -> write(file, fileBytes, chunk, true)) / 1e6));
      try {
        p.setProperty(
            "fileReadDirectMBps", format(fileBytes / seconds(() -> readDirect(file)) / 1e6));
      } catch (IOException | UnsupportedOperationException e) {
        p.setProperty("fileReadDirectMBps", "n/a: O_DIRECT " + e);
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  static double seconds(Pass pass) throws IOException {
    long t0 = System.nanoTime();
    pass.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  static void write(Path file, long bytes, byte[] chunk, boolean fsync) throws IOException {
    Files.deleteIfExists(file);
    try (FileOutputStream out = new FileOutputStream(file.toFile())) {
      for (long written = 0; written < bytes; written += chunk.length) {
        out.write(chunk);
      }
      if (fsync) {
        out.getChannel().force(true);
      }
    }
  }

  static void read(Path file, byte[] chunk) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      while (in.read(chunk) >= 0) {
        // just read
      }
    }
  }

  static void readDirect(Path file) throws IOException {
    int align = 4096;
    ByteBuffer buffer = ByteBuffer.allocateDirect((1 << 20) + align).alignedSlice(align);
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
      while (true) {
        buffer.clear();
        if (channel.read(buffer) <= 0) {
          break;
        }
      }
    }
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
