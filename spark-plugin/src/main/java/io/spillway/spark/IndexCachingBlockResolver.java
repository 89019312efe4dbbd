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

import io.spillway.metrics.IndexCacheStats;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkConf;
import org.apache.spark.network.buffer.FileSegmentManagedBuffer;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.netty.SparkTransportConf;
import org.apache.spark.network.util.TransportConf;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.shuffle.IndexShuffleBlockResolver;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleBlockBatchId;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.util.collection.OpenHashSet;
import scala.Option;
import scala.reflect.ClassTag$;

/**
 * Spark's {@link IndexShuffleBlockResolver} (same files, same layout, same migration and
 * checksum support), with the index files of local map outputs cached in memory.
 *
 * <p>Why: Spark opens, seeks and reads a map output's index file for every block it serves
 * ({@code getBlockData}: a byte channel, two {@code readLong}s, a close). With many reduce
 * partitions that is most of a reducer's time: profiled on the {@code sql-repartition-20000}
 * workload of {@code bin/benchmark} (reducers read partition ranges), {@code getBlockData} was 98
 * of 256 samples of the reduce tasks (200,000 blocks, 200,000 index file opens; commit c289de7). Here the first block of a map output
 * reads the whole index once:
 *
 * <pre>
 *   index file: [offset 0][offset 1] ... [offset N]      N + 1 big-endian longs, N partitions
 *   block (map M, reduce partitions [s, e)): data file bytes [offset s, offset e)
 * </pre>
 *
 * and later blocks of that output are served from the cached offsets. The cache is per executor
 * (the resolver is), bounded in bytes ({@code spark.spillway.read.indexCacheSize}, 8 bytes per
 * partition and output; least recently used outputs go first), and an output's entry is dropped
 * when the output is removed or committed again. Entries are keyed by (shuffle id, map id); a
 * map id is a task attempt id, so a recomputed output has a new key. Blocks read from another
 * executor's directories ({@code dirs}, host-local reads) go to Spark's code unchanged.
 */
public final class IndexCachingBlockResolver extends IndexShuffleBlockResolver
    implements IndexCacheStats {

  private final TransportConf transportConf;
  private final OffsetsCache cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** The parent's map task ids per shuffle, as the running Spark line types them. */
  private final ConcurrentMap<Object, OpenHashSet<Object>> mapOutputsByShuffle;

  /**
   * @param spark the running Spark line's calls: the parent's table of map outputs is typed
   *     differently on 4.0 ({@link SparkVersionBridge#taskIdMapsForShuffle})
   */
  public IndexCachingBlockResolver(SparkConf conf, long cacheBytes, SparkVersionBridge spark) {
    super(conf);
    this.mapOutputsByShuffle = spark.taskIdMapsForShuffle(this);
    // the parent's own TransportConf is private; this is how Spark builds it (the buffers served
    // read spark.storage.memoryMapThreshold and spark.shuffle.io.lazyFD from it)
    this.transportConf =
        SparkTransportConf.fromSparkConf(conf, "shuffle", 0, Option.empty(), Option.empty());
    this.cache = new OffsetsCache(cacheBytes);
  }

  @Override
  public ManagedBuffer getBlockData(BlockId blockId, Option<String[]> dirs) {
    int shuffleId;
    long mapId;
    int startReduceId;
    int endReduceId;
    if (blockId instanceof ShuffleBlockId id) {
      shuffleId = id.shuffleId();
      mapId = id.mapId();
      startReduceId = id.reduceId();
      endReduceId = startReduceId + 1;
    } else if (blockId instanceof ShuffleBlockBatchId id) {
      shuffleId = id.shuffleId();
      mapId = id.mapId();
      startReduceId = id.startReduceId();
      endReduceId = id.endReduceId();
    } else {
      return super.getBlockData(blockId, dirs);
    }
    if (dirs.isDefined() || cache.maxBytes == 0) {
      return super.getBlockData(blockId, dirs);
    }
    long[] offsets = offsets(shuffleId, mapId);
    if (startReduceId < 0 || endReduceId >= offsets.length || startReduceId >= endReduceId) {
      throw new IllegalStateException(
          "Block "
              + blockId
              + " asks for reduce partitions ["
              + startReduceId
              + ", "
              + endReduceId
              + ") but the index of map output "
              + mapId
              + " of shuffle "
              + shuffleId
              + " has "
              + (offsets.length - 1)
              + " partitions");
    }
    long start = offsets[startReduceId];
    long end = offsets[endReduceId];
    return new FileSegmentManagedBuffer(
        transportConf, getDataFile(shuffleId, mapId, dirs), start, end - start);
  }

  private long[] offsets(int shuffleId, long mapId) {
    Key key = new Key(shuffleId, mapId);
    long[] cached = cache.get(key);
    if (cached != null) {
      hits.increment();
      return cached;
    }
    misses.increment();
    long[] read = readIndex(getIndexFile(shuffleId, mapId, Option.empty()));
    cache.put(key, read);
    return read;
  }

  /** The whole index file: {@code length / 8} big-endian longs. */
  static long[] readIndex(File indexFile) {
    try (InputStream file = Files.newInputStream(indexFile.toPath());
        DataInputStream in =
            new DataInputStream(new java.io.BufferedInputStream(file, 64 * 1024))) {
      long length = indexFile.length();
      if (length % 8 != 0 || length < 16) {
        throw new IOException(
            "Index file "
                + indexFile
                + " has "
                + length
                + " bytes: not a whole number of offsets, or fewer than two");
      }
      long[] offsets = new long[(int) (length / 8)];
      for (int i = 0; i < offsets.length; i++) {
        offsets[i] = in.readLong();
      }
      return offsets;
    } catch (IOException e) {
      throw new UncheckedIOException("Reading shuffle index file " + indexFile + " failed", e);
    }
  }

  @Override
  public void removeDataByMap(int shuffleId, long mapId) {
    cache.remove(new Key(shuffleId, mapId));
    super.removeDataByMap(shuffleId, mapId);
  }

  @Override
  public void writeMetadataFileAndCommit(
      int shuffleId, long mapId, long[] lengths, long[] checksums, File dataTmp) {
    // Before and after: a block served while Spark swaps the files in may cache the old index.
    cache.remove(new Key(shuffleId, mapId));
    super.writeMetadataFileAndCommit(shuffleId, mapId, lengths, checksums, dataTmp);
    cache.remove(new Key(shuffleId, mapId));
  }

  @Override
  public StreamCallbackWithID putShuffleBlockAsStream(
      BlockId blockId, SerializerManager serializerManager) {
    // a migrated map output arriving: whatever was cached under its ids is not it
    cache.clear();
    return super.putShuffleBlockAsStream(blockId, serializerManager);
  }

  /**
   * Notes a map output of this executor, so that {@link #removeShuffle} deletes it. The ids go
   * into the parent's own table ({@code taskIdMapsForShuffle}), to which Spark adds the ids of
   * map outputs that migrate in from a decommissioned executor: removing a shuffle deletes both
   * kinds.
   */
  public void recordMapOutput(int shuffleId, long mapId) {
    OpenHashSet<Object> ids =
        mapOutputsByShuffle.computeIfAbsent(
            shuffleId, id -> new OpenHashSet<>(16, ClassTag$.MODULE$.Long()));
    synchronized (ids) {
      ids.add(mapId);
    }
  }

  /** Deletes the files of every map output of the shuffle that this executor holds. */
  public void removeShuffle(int shuffleId) {
    OpenHashSet<Object> mapIds = mapOutputsByShuffle.remove(shuffleId);
    if (mapIds != null) {
      synchronized (mapIds) {
        scala.collection.Iterator<Object> ids = mapIds.iterator();
        while (ids.hasNext()) {
          removeDataByMap(shuffleId, (Long) ids.next());
        }
      }
    }
  }

  /** Bytes the cache holds now. */
  @Override
  public long cachedBytes() {
    return cache.bytes();
  }

  @Override
  public long cachedOutputs() {
    return cache.size();
  }

  @Override
  public long maxBytes() {
    return cache.maxBytes;
  }

  @Override
  public long hits() {
    return hits.sum();
  }

  @Override
  public long misses() {
    return misses.sum();
  }

  private record Key(int shuffleId, long mapId) {}

  /** A least-recently-used map of offsets, bounded by the bytes of its arrays. Thread-safe. */
  private static final class OffsetsCache {
    private final long maxBytes;
    private final LinkedHashMap<Key, long[]> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    OffsetsCache(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    synchronized long[] get(Key key) {
      return entries.get(key);
    }

    synchronized void put(Key key, long[] offsets) {
      long size = sizeOf(offsets);
      if (size > maxBytes) {
        return;
      }
      long[] previous = entries.put(key, offsets);
      bytes += size - (previous == null ? 0 : sizeOf(previous));
      var eldest = entries.entrySet().iterator();
      while (bytes > maxBytes && eldest.hasNext()) {
        Map.Entry<Key, long[]> entry = eldest.next();
        bytes -= sizeOf(entry.getValue());
        eldest.remove();
      }
    }

    synchronized void remove(Key key) {
      long[] removed = entries.remove(key);
      if (removed != null) {
        bytes -= sizeOf(removed);
      }
    }

    synchronized void clear() {
      entries.clear();
      bytes = 0;
    }

    synchronized long bytes() {
      return bytes;
    }

    synchronized int size() {
      return entries.size();
    }

    private static long sizeOf(long[] offsets) {
      return 16L + 8L * offsets.length;
    }
  }
}
