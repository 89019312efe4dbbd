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

import java.io.InputStream;
import org.apache.spark.MapOutputTracker;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.package$;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.ShuffleBlockFetcherIterator;
import org.apache.spark.util.SystemClock;
import scala.Function2;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * Spark's block fetcher ({@code ShuffleBlockFetcherIterator}: local, host-local, remote and
 * external-shuffle-service blocks, batch fetch, corruption detection, fetch failures) and the
 * settings it takes, read with Spark's own config entries so that defaults and units are exactly
 * Spark's. The fetcher and the entries are {@code private[spark]}, and the fetcher's constructor
 * is the part of a reader that changes between Spark versions.
 */
public final class SparkBlockFetch {
  private SparkBlockFetch() {}

  /**
   * Spark's fetch settings ({@code spark.reducer.*}, {@code spark.shuffle.detectCorrupt*},
   * {@code spark.shuffle.checksum.*}) and the keys that decide how blocks are encoded.
   *
   * @param maxBytesInFlight {@code spark.reducer.maxSizeInFlight}, in bytes
   * @param compress {@code spark.shuffle.compress}
   * @param ioEncryption {@code spark.io.encryption.enabled}
   * @param useOldFetchProtocol {@code spark.shuffle.useOldFetchProtocol}
   */
  public record Settings(
      long maxBytesInFlight,
      int maxRequestsInFlight,
      int maxBlocksInFlightPerAddress,
      long maxRequestSizeShuffleToMemory,
      int maxAttemptsOnNettyOutOfMemory,
      boolean detectCorrupt,
      boolean detectCorruptUseExtraMemory,
      boolean checksumEnabled,
      String checksumAlgorithm,
      boolean compress,
      boolean ioEncryption,
      boolean useOldFetchProtocol) {

    public static Settings fromSparkConf(SparkConf conf) {
      package$ keys = package$.MODULE$;
      return new Settings(
          (Long) get(conf, keys.REDUCER_MAX_SIZE_IN_FLIGHT()) * 1024 * 1024,
          get(conf, keys.REDUCER_MAX_REQS_IN_FLIGHT()),
          get(conf, keys.REDUCER_MAX_BLOCKS_IN_FLIGHT_PER_ADDRESS()),
          get(conf, keys.MAX_REMOTE_BLOCK_SIZE_FETCH_TO_MEM()),
          get(conf, keys.SHUFFLE_MAX_ATTEMPTS_ON_NETTY_OOM()),
          get(conf, keys.SHUFFLE_DETECT_CORRUPT()),
          get(conf, keys.SHUFFLE_DETECT_CORRUPT_MEMORY()),
          get(conf, keys.SHUFFLE_CHECKSUM_ENABLED()),
          get(conf, keys.SHUFFLE_CHECKSUM_ALGORITHM()),
          get(conf, keys.SHUFFLE_COMPRESS()),
          get(conf, keys.IO_ENCRYPTION_ENABLED()),
          get(conf, keys.SHUFFLE_USE_OLD_FETCH_PROTOCOL()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(SparkConf conf, ConfigEntry<?> entry) {
      return (T) conf.get(entry);
    }
  }

  /**
   * Starts fetching {@code blocksByAddress} and returns each block's stream, passed through
   * {@code decode} (decryption, decompression), in the order the blocks arrive. The streams raise
   * {@code FetchFailedException} for a missing or corrupt block, so the scheduler recomputes it.
   */
  public static Iterator<Tuple2<BlockId, InputStream>> open(
      TaskContext context,
      BlockManager blockManager,
      MapOutputTracker mapOutputTracker,
      Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>> blocksByAddress,
      Function2<BlockId, InputStream, InputStream> decode,
      Settings settings,
      ShuffleReadMetricsReporter readMetrics,
      boolean batchFetch) {
    ShuffleBlockFetcherIterator fetcher =
        new ShuffleBlockFetcherIterator(
            context,
            blockManager.blockStoreClient(),
            blockManager,
            mapOutputTracker,
            blocksByAddress,
            decode,
            settings.maxBytesInFlight(),
            settings.maxRequestsInFlight(),
            settings.maxBlocksInFlightPerAddress(),
            settings.maxRequestSizeShuffleToMemory(),
            settings.maxAttemptsOnNettyOutOfMemory(),
            settings.detectCorrupt(),
            settings.detectCorruptUseExtraMemory(),
            settings.checksumEnabled(),
            settings.checksumAlgorithm(),
            readMetrics,
            batchFetch,
            new SystemClock());
    return fetcher.toCompletionIterator();
  }
}
