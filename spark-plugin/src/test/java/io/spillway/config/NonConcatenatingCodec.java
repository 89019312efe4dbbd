package io.spillway.config;

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;

/**
 * A codec Spark does not list as concatenating (it checks the class against its own lz4, lzf,
 * snappy and zstd): streams pass through unchanged. Only its name matters to the tests.
 */
public final class NonConcatenatingCodec implements CompressionCodec {
  public NonConcatenatingCodec(SparkConf conf) {}

  @Override
  public OutputStream compressedOutputStream(OutputStream s) {
    return s;
  }

  @Override
  public InputStream compressedInputStream(InputStream s) {
    return s;
  }
}
