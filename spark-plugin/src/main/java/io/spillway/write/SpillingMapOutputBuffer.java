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
package io.spillway.write;

import io.spillway.io.Closeables;
import io.spillway.spark.BlockOutputStreams;
import io.spillway.spill.PartitionChecksums;
import io.spillway.spill.PartitionSink;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillWriter;
import io.spillway.write.merge.MergePlan;
import io.spillway.write.merge.SpillMerger;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.storage.ShuffleBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both map output buffers share: the spill files and their accumulated per-partition
 * checksums, when a spill request may be honoured, writing a sorted run to a spill file or
 * straight to the map output, merging, and the counters. A subclass holds the records in memory
 * and knows how to write them in partition order, takes its memory through its own consumer
 * (pages through a {@code TaskMemoryConsumer}, heap objects through a {@code MemoryReservation})
 * and hands that consumer {@link #spillOnRequest}.
 */
abstract class SpillingMapOutputBuffer<K, V> implements MapOutputBuffer<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(SpillingMapOutputBuffer.class);

  protected final MapTaskContext task;
  private final Checksum[] spillChecksums;
  private final List<Spill> spills = new ArrayList<>();

  /**
   * Made at the first spill and kept: every spill of the task has the plan's format, and the
   * merge follows it.
   */
  private MergePlan plan;

  private final Thread ownerThread;
  protected long recordsInserted;
  private int spillCount;
  private int mergeRounds;
  private String mergeStrategyName;
  private long mergeMillis;
  private int mostSpillFilesOpen;
  private boolean finishing;
  private boolean freed;

  SpillingMapOutputBuffer(MapTaskContext task) {
    this.task = task;
    this.spillChecksums = newChecksums();
    this.ownerThread = Thread.currentThread();
  }

  /** Records held in memory now. */
  abstract int recordsInMemory();

  /** Bytes of the records held in memory now (their serialized or estimated size). */
  abstract long bytesInMemory();

  /** True while a record is half inserted: no spill may run then. */
  abstract boolean insertInProgress();

  /** Writes the records in memory to {@code sink}, partition by partition, in partition order. */
  abstract void writeRecordsInPartitionOrder(PartitionSink sink) throws IOException;

  /** Drops the records in memory and returns their memory; returns the bytes released. */
  abstract long releaseRecords();

  /**
   * The task's merge plan, made when the first spill is written, from the records in memory
   * then ({@link MergePlan#forSerializedPath} or {@link MergePlan#reserializing}).
   */
  abstract MergePlan choosePlan(long bytesInMemory, int recordsInMemory);

  @Override
  public List<Spill> spills() {
    return Collections.unmodifiableList(spills);
  }

  @Override
  public void spillRemaining() throws IOException {
    finishing = true;
    spill();
  }

  @Override
  public long[] writeInMemoryTo(ShuffleMapOutputWriter output) throws IOException {
    finishing = true;
    if (!spills.isEmpty()) {
      throw new IllegalStateException("writeInMemoryTo after " + spills.size() + " spills");
    }
    // Nothing was spilled, so the spill checksums are untouched: use them rather than allocate a
    // second set (one object per partition: 2^24 partitions make that hundreds of MiB).
    Checksum[] checksums = spillChecksums;
    BlockOutputStreams blockStreams =
        new BlockOutputStreams(task.serializerManager(), task.settings().codec());
    writeRecordsInPartitionOrder(
        partitionId -> {
          OutputStream raw = output.getPartitionWriter(partitionId).openStream();
          if (checksums.length > 0) {
            raw = new CheckedOutputStream(raw, checksums[partitionId]);
          }
          return blockStreams.wrap(
              new ShuffleBlockId(task.shuffleId(), task.mapId(), partitionId), raw);
        });
    releaseRecords();
    return PartitionChecksums.values(checksums);
  }

  @Override
  public long[] mergeSpillsTo(ShuffleMapOutputWriter output) throws IOException {
    SpillMerger merger =
        new SpillMerger(
            plan,
            task.settings(),
            task.serializerManager(),
            task.serializer(),
            task.spillFiles(),
            task.numPartitions());
    long start = System.nanoTime();
    long[] checksums =
        merger.merge(
            spills,
            outputChecksums -> new MapOutputTarget(output, outputChecksums),
            task.shuffleId(),
            task.mapId(),
            spillChecksums);
    LOG.info(
        "Merged {} spills of map {} of shuffle {} with {} in {} round(s), at most {} files"
            + " open, {} ms",
        spills.size(),
        task.mapId(),
        task.shuffleId(),
        plan.name(),
        merger.rounds(),
        merger.mostFilesOpen(),
        (System.nanoTime() - start) / 1_000_000);
    mergeRounds = merger.rounds();
    mergeStrategyName = plan.name();
    mergeMillis = (System.nanoTime() - start) / 1_000_000;
    mostSpillFilesOpen = merger.mostFilesOpen();
    spills.clear();
    return checksums;
  }

  @Override
  public long[] spillChecksums() {
    return PartitionChecksums.values(spillChecksums);
  }

  @Override
  public long recordsInserted() {
    return recordsInserted;
  }

  @Override
  public int spillCount() {
    return spillCount;
  }

  @Override
  public int mergeRounds() {
    return mergeRounds;
  }

  @Override
  public String mergeStrategyName() {
    return mergeStrategyName;
  }

  @Override
  public long mergeMillis() {
    return mergeMillis;
  }

  @Override
  public int mostSpillFilesOpen() {
    return mostSpillFilesOpen;
  }

  @Override
  public Spill.SegmentFormat spillFormat() {
    return plan == null ? null : plan.spillFormat();
  }

  @Override
  public void forceSpill() throws IOException {
    spill();
  }

  @Override
  public void free() {
    if (!freed) {
      freed = true;
      releaseRecords();
    }
  }

  /**
   * The subclass's memory consumer's {@code SpillHandler}, called by the task's memory manager. A
   * request from this buffer itself arrives while it makes room for a record, a safe point. A
   * request from another consumer is honoured only on the task thread between two records:
   * elsewhere the records may be in use. Returns the bytes freed.
   */
  protected final long spillOnRequest(long requestedBytes, boolean requestedByItself)
      throws IOException {
    if (finishing || freed || recordsInMemory() == 0) {
      return 0;
    }
    if (!requestedByItself && (Thread.currentThread() != ownerThread || insertInProgress())) {
      return 0;
    }
    return spill();
  }

  /** Sorts the records in memory into a new spill file and frees them; returns bytes freed. */
  protected final long spill() throws IOException {
    int records = recordsInMemory();
    if (records == 0) {
      return 0;
    }
    long startNanos = System.nanoTime();
    if (plan == null) {
      plan = choosePlan(bytesInMemory(), records);
    }
    Spill.SegmentFormat spillFormat = plan.spillFormat();
    SpillFile location = task.spillFiles().create();
    // SERIALIZED segments are compressed at the merge, which computes the checksums then
    Checksum[] checksums =
        spillFormat == Spill.SegmentFormat.WRAPPED ? spillChecksums : new Checksum[0];
    SpillWriter writer =
        SpillWriter.bytes(
            location,
            task.numPartitions(),
            task.serializerManager(),
            spillFormat,
            checksums,
            task.settings().fileBufferSizeBytes());
    Spill spill;
    try {
      writeRecordsInPartitionOrder(writer);
      spill = writer.finish(records);
    } catch (IOException | RuntimeException | Error e) {
      Closeables.closeWhileFailing(writer, e);
      throw e;
    }
    spills.add(spill);
    spillCount++;
    long freedBytes = releaseRecords();
    task.taskMetrics().incMemoryBytesSpilled(freedBytes);
    task.taskMetrics().incDiskBytesSpilled(spill.totalBytes());
    LOG.info(
        "Spilled {} records ({} bytes of memory) of map {} of shuffle {} to {} bytes on disk"
            + " in {} ms (spill #{})",
        records,
        freedBytes,
        task.mapId(),
        task.shuffleId(),
        spill.totalBytes(),
        (System.nanoTime() - startNanos) / 1_000_000,
        spills.size());
    return freedBytes;
  }

  private Checksum[] newChecksums() {
    return PartitionChecksums.create(
        task.settings().checksumEnabled(),
        task.settings().checksumAlgorithm(),
        task.numPartitions());
  }
}
