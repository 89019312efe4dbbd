package io.spillway.read;

import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.package$;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;

/**
 * The reduce side's settings, read with Spark's own config entries so that defaults and units are
 * exactly Spark's.
 */
record ReadSettings(
    long maxBytesInFlight,
    int maxRequestsInFlight,
    int maxBlocksInFlightPerAddress,
    long maxRequestSizeShuffleToMemory,
    int maxAttemptsOnNettyOutOfMemory,
    boolean detectCorrupt,
    boolean detectCorruptUseExtraMemory,
    boolean checksumEnabled,
    String checksumAlgorithm,
    boolean batchFetchPossible) {

  static ReadSettings fromSparkConf(SparkConf conf) {
    package$ keys = package$.MODULE$;
    boolean compressed = get(conf, keys.SHUFFLE_COMPRESS());
    boolean concatenates = !compressed || CompressionCodec$.MODULE$
        .supportsConcatenationOfSerializedStreams(CompressionCodec.createCodec(conf));
    // SPARK-34790: batch fetch cannot be combined with IO encryption
    boolean batchFetchPossible = concatenates
        && !(Boolean) get(conf, keys.SHUFFLE_USE_OLD_FETCH_PROTOCOL())
        && !(Boolean) get(conf, keys.IO_ENCRYPTION_ENABLED());
    return new ReadSettings(
        (Long) get(conf, keys.REDUCER_MAX_SIZE_IN_FLIGHT()) * 1024 * 1024,
        get(conf, keys.REDUCER_MAX_REQS_IN_FLIGHT()),
        get(conf, keys.REDUCER_MAX_BLOCKS_IN_FLIGHT_PER_ADDRESS()),
        get(conf, keys.MAX_REMOTE_BLOCK_SIZE_FETCH_TO_MEM()),
        get(conf, keys.SHUFFLE_MAX_ATTEMPTS_ON_NETTY_OOM()),
        get(conf, keys.SHUFFLE_DETECT_CORRUPT()),
        get(conf, keys.SHUFFLE_DETECT_CORRUPT_MEMORY()),
        get(conf, keys.SHUFFLE_CHECKSUM_ENABLED()),
        get(conf, keys.SHUFFLE_CHECKSUM_ALGORITHM()),
        batchFetchPossible);
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(SparkConf conf, ConfigEntry<?> entry) {
    return (T) conf.get(entry);
  }
}
