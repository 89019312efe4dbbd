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
package io.spillway.config;

import java.util.List;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.package$;
import org.apache.spark.sql.internal.SQLConf$;

/**
 * Spark's own keys that Spillway reads, with what each does under Spillway, for the generated
 * table of {@code docs/configuration.md}. Key and default come from Spark's own config entries,
 * so they are those of the Spark version built against. {@code ConfigDocsTest} checks that every
 * Spark key the plugin's sources name is here.
 */
final class SparkKeysRead {
  private SparkKeysRead() {}

  /** One Spark key: its entry and what Spillway does with it. */
  record Use(String key, String defaultValue, String use) {
    Use(ConfigEntry<?> entry, String use) {
      this(entry.key(), entry.defaultValueString(), use);
    }
  }

  static List<Use> all() {
    package$ keys = package$.MODULE$;
    return List.of(
        new Use(
            keys.SHUFFLE_MANAGER(),
            "`io.spillway.SpillwayShuffleManager` turns Spillway on;"
                + " `sort` (Spark's default) turns it off."),
        new Use(
            keys.SHUFFLE_COMPRESS(),
            "Map outputs and spills are compressed with the codec, as" + " in Spark."),
        new Use(
            keys.IO_COMPRESSION_CODEC(),
            "The codec of map outputs and spills. Spark's lz4,"
                + " lzf, snappy and zstd concatenate, so spills can be merged by transferTo or"
                + " fileStream; any other codec is merged by slow. With Spark's lz4 (and no"
                + " IO encryption), Spillway writes and reads the lz4 codec's stream format"
                + " itself, byte for byte, with buffers reused from partition to partition."),
        new Use(
            keys.IO_COMPRESSION_LZ4_BLOCKSIZE(),
            "The lz4 block size, as in Spark, of the streams Spillway writes with Spark's"
                + " lz4 codec."),
        new Use(
            keys.IO_ENCRYPTION_ENABLED(),
            "Map outputs and spills are encrypted, as in Spark;"
                + " merges use fileStream or slow (never transferTo) and batch fetch is off."),
        new Use(
            keys.SHUFFLE_MERGE_PREFER_NIO(),
            "With `spark.spillway.merge.strategy=auto`,"
                + " transferTo is used only when this is on (otherwise fileStream)."),
        new Use(
            keys.SHUFFLE_UNSAFE_FAST_MERGE_ENABLE(),
            "With" + " `spark.spillway.merge.strategy=auto`, off means every merge is slow."),
        new Use(
            keys.SHUFFLE_FILE_BUFFER_SIZE(),
            "Buffer of every spill, merge and map output" + " stream (map and reduce side)."),
        new Use(
            keys.SHUFFLE_DISK_WRITE_BUFFER_SIZE(),
            "Staging buffer that record bytes are"
                + " copied through from memory pages to a spill or output stream. Spillway"
                + " allocates at most 256 KiB of it per map task: a buffer of 1 MiB is a"
                + " humongous object for G1 on heaps under 8 GiB, and each task's allocation"
                + " would start a collection."),
        new Use(
            keys.SHUFFLE_SORT_INIT_BUFFER_SIZE(),
            "Records the map side's pointer array holds" + " before it first grows."),
        new Use(
            keys.SHUFFLE_SORT_BYPASS_MERGE_THRESHOLD(),
            "A shuffle whose serializer cannot"
                + " relocate records (Java serialization) with at most this many partitions writes one"
                + " serialization stream per partition into memory pages (where Spark takes its"
                + " bypass-merge writer); with more it takes the object path."),
        new Use(
            keys.SHUFFLE_SPILL_NUM_ELEMENTS_FORCE_SPILL_THRESHOLD(),
            "Records held in memory"
                + " at which a map task spills, a map-side combiner flushes and a reduce-side combiner"
                + " spills, even with memory left."),
        new Use(
            keys.SHUFFLE_SPILL_MAX_SIZE_FORCE_SPILL_THRESHOLD(),
            "Bytes of records held in"
                + " memory at which a map task spills even with memory left."),
        new Use(
            keys.SHUFFLE_CHECKSUM_ENABLED(),
            "Per-partition checksums in a `.checksum` file"
                + " next to each map output, as in Spark."),
        new Use(keys.SHUFFLE_CHECKSUM_ALGORITHM(), "Algorithm of those checksums."),
        new Use(
            keys.SHUFFLE_IO_PLUGIN_CLASS(),
            "Spark's shuffle IO API writes and commits the map"
                + " outputs; Spillway deletes what a failed output leaves only with the default"
                + " local-disk plugin."),
        new Use(keys.REDUCER_MAX_SIZE_IN_FLIGHT(), "Passed to Spark's block fetcher, as in Spark."),
        new Use(keys.REDUCER_MAX_REQS_IN_FLIGHT(), "Passed to Spark's block fetcher, as in Spark."),
        new Use(
            keys.REDUCER_MAX_BLOCKS_IN_FLIGHT_PER_ADDRESS(),
            "Passed to Spark's block fetcher," + " as in Spark."),
        new Use(
            keys.MAX_REMOTE_BLOCK_SIZE_FETCH_TO_MEM(),
            "Passed to Spark's block fetcher, as in" + " Spark."),
        new Use(
            keys.SHUFFLE_MAX_ATTEMPTS_ON_NETTY_OOM(),
            "Passed to Spark's block fetcher, as in" + " Spark."),
        new Use(
            keys.SHUFFLE_DETECT_CORRUPT(),
            "Passed to Spark's block fetcher: corrupt blocks"
                + " become fetch failures and the map output is recomputed."),
        new Use(
            keys.SHUFFLE_DETECT_CORRUPT_MEMORY(),
            "Passed to Spark's block fetcher, as in" + " Spark."),
        new Use(
            keys.SHUFFLE_USE_OLD_FETCH_PROTOCOL(),
            "When on, partitions are never fetched in" + " batches."),
        new Use(
            SQLConf$.MODULE$.FETCH_SHUFFLE_BLOCKS_IN_BATCH(),
            "Contiguous partitions of one"
                + " map output are fetched as one block; Spillway also honours it where Spark's task"
                + " property does not reach the task (see the README)."));
  }
}
