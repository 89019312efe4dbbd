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
package io.spillway.write.merge;

import io.spillway.config.WriteSettings;
import io.spillway.io.ChannelWriteBuffer;
import io.spillway.io.Channels;
import io.spillway.io.Closeables;
import io.spillway.io.NonClosingOutputStream;
import io.spillway.io.TempFileTracker;
import io.spillway.io.WriteFailures;
import io.spillway.spark.BlockOutputStreams;
import io.spillway.spill.PartitionChecksums;
import io.spillway.spill.SegmentIndex;
import io.spillway.spill.Spill;
import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillReader;
import io.spillway.spill.SpillWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.zip.Checksum;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleBlockId;

/**
 * Merges the spill files of one map task, partition by partition, into the map output, as its
 * {@link MergePlan} says: the plan was made once, when the task first spilled, and is followed
 * here without another decision.
 *
 * <p>At most {@code spark.spillway.merge.maxOpenFiles} spills are open at once: with more, runs
 * of that many consecutive spills are first merged into intermediate spill files (same format,
 * same strategy), until one final round fits. Consecutive runs keep every partition's records in
 * spill order, so concatenation stays valid and so do per-partition checksums accumulated in
 * spill order.
 */
public final class SpillMerger {
  private static final scala.reflect.ClassTag<Object> OBJECT_TAG =
      scala.reflect.ClassTag$.MODULE$.Object();
  private final MergePlan plan;
  private final WriteSettings settings;
  private final SerializerManager serializerManager;

  /** The output partitions' compressing streams (the input segments' are Spark's). */
  private final BlockOutputStreams blockStreams;

  private final TempFileTracker<SpillFile> tracker;
  private final int numPartitions;

  /** The serializer records are decoded and written again with, when the plan re-serializes. */
  private final SerializerInstance reserializer;

  private final boolean encryptionEnabled;

  /**
   * Segments at least this long are copied with transferTo; shorter ones through the buffers.
   * Below a few hundred KiB the system call (and, when the kernel refuses file-to-file sendfile,
   * the JDK's mmap/munmap fallback) costs more than a copy through the heap.
   */
  static final long DIRECT_TRANSFER_BYTES = 256 * 1024;

  /** Output buffer of size-preserving merges; one per merger, retargeted per partition. */
  private final ChannelWriteBuffer writeBuffer;

  /** Copy buffer of the decoding merges. */
  private final byte[] copyBuffer;

  private int mostFilesOpen;
  private int rounds;

  /**
   * @param plan what to do, made by {@link MergePlan#forSerializedPath} or {@link
   *     MergePlan#reserializing}
   * @param serializer the task's serializer: records are decoded and written again with it when
   *     the plan re-serializes (Java serialization, Kryo without auto-reset); unused otherwise
   */
  public SpillMerger(
      MergePlan plan,
      WriteSettings settings,
      SerializerManager serializerManager,
      SerializerInstance serializer,
      TempFileTracker<SpillFile> tracker,
      int numPartitions) {
    if (plan.encrypted() != serializerManager.encryptionEnabled()) {
      throw new IllegalArgumentException(
          "plan made for encryption "
              + plan.encrypted()
              + ", but IO encryption is "
              + serializerManager.encryptionEnabled());
    }
    this.plan = plan;
    this.settings = settings;
    this.serializerManager = serializerManager;
    this.blockStreams = new BlockOutputStreams(serializerManager, settings.codec());
    this.tracker = tracker;
    this.numPartitions = numPartitions;
    this.encryptionEnabled = plan.encrypted();
    this.reserializer =
        plan.reserializes()
            ? java.util.Objects.requireNonNull(serializer, "serializer is null")
            : null;
    this.writeBuffer = new ChannelWriteBuffer(Math.max(64 * 1024, settings.fileBufferSizeBytes()));
    this.copyBuffer = new byte[Math.max(8192, settings.fileBufferSizeBytes())];
  }

  /** The plan this merger follows. */
  public MergePlan plan() {
    return plan;
  }

  /** The most spill files that were open at the same time. */
  public int mostFilesOpen() {
    return mostFilesOpen;
  }

  /** Merge rounds run, the final one included. */
  public int rounds() {
    return rounds;
  }

  /**
   * Writes {@code spills} into the map output and deletes them.
   *
   * @param mapOutput opens the map output, given the checksums its partitions' bytes must update
   *     (an empty array for none); the adapter to Spark's shuffle IO API is the writer's
   * @param shuffleId the shuffle, for the block ids the slow path recompresses with
   * @param mapId the map task
   * @param accumulatedChecksums per-partition checksums updated in spill order while the spills
   *     were written (empty array when checksums are off); reset and reused for the output's
   *     checksums when the plan changes the bytes
   * @return the checksums of the bytes as written: {@code accumulatedChecksums}' values when the
   *     plan copies bytes unchanged, fresh ones otherwise (empty when checksums are off)
   */
  public long[] merge(
      List<Spill> spills,
      Function<Checksum[], MergeTarget> mapOutput,
      int shuffleId,
      long mapId,
      Checksum[] accumulatedChecksums)
      throws IOException {
    for (Spill spill : spills) {
      if (spill.format() != plan.spillFormat()) {
        throw new IllegalArgumentException(
            "Plan " + plan + " merges " + plan.spillFormat() + " spills, not " + spill.format());
      }
    }
    List<Spill> remaining = new ArrayList<>(spills);
    while (remaining.size() > settings.maxOpenFiles()) {
      remaining = mergeIntermediateRound(remaining);
    }
    boolean checksumsOn = settings.checksumEnabled();
    boolean freshChecksums = checksumsOn && !plan.preservesBytes();
    // Fresh checksums replace the accumulated ones, which are not needed any more: reset and
    // reuse them rather than allocate a second object per partition.
    Checksum[] outputChecksums = freshChecksums ? reset(accumulatedChecksums) : new Checksum[0];
    MergeTarget target = mapOutput.apply(outputChecksums);
    mergeRound(
        remaining, target, partitionId -> new ShuffleBlockId(shuffleId, mapId, partitionId), false);
    for (Spill spill : remaining) {
      tracker.delete(spill.file());
    }
    if (!checksumsOn) {
      return new long[0];
    }
    return PartitionChecksums.values(freshChecksums ? outputChecksums : accumulatedChecksums);
  }

  private Checksum[] reset(Checksum[] checksums) {
    if (checksums.length != numPartitions) {
      return PartitionChecksums.create(true, settings.checksumAlgorithm(), numPartitions);
    }
    for (Checksum checksum : checksums) {
      checksum.reset();
    }
    return checksums;
  }

  private List<Spill> mergeIntermediateRound(List<Spill> spills) throws IOException {
    List<Spill> merged = new ArrayList<>();
    for (int start = 0; start < spills.size(); start += settings.maxOpenFiles()) {
      List<Spill> run =
          spills.subList(start, Math.min(spills.size(), start + settings.maxOpenFiles()));
      if (run.size() == 1) {
        merged.add(run.get(0));
        continue;
      }
      SpillFile location = tracker.create();
      IntermediateSpillTarget target = new IntermediateSpillTarget(location);
      try {
        mergeRound(run, target, partitionId -> location.blockId(), true);
        long records = run.stream().mapToLong(Spill::records).sum();
        merged.add(target.finish(records));
      } catch (IOException e) {
        // transferTo writes through the channel, which NamedFileOutputStream does not cover
        IOException named = WriteFailures.naming(e, location.file());
        Closeables.closeWhileFailing(target, named);
        throw named;
      } catch (RuntimeException | Error e) {
        Closeables.closeWhileFailing(target, e);
        throw e;
      }
      for (Spill spill : run) {
        tracker.delete(spill.file());
      }
    }
    return merged;
  }

  /** One round: every partition of every spill in {@code spills}, in order, into {@code target}. */
  private void mergeRound(
      List<Spill> spills,
      MergeTarget target,
      IntFunction<BlockId> outputBlockIds,
      boolean intermediate)
      throws IOException {
    rounds++;
    List<SpillReader> readers = new ArrayList<>(spills.size());
    try {
      for (Spill spill : spills) {
        readers.add(SpillReader.bytes(spill.file(), settings.fileBufferSizeBytes()));
      }
      mostFilesOpen = Math.max(mostFilesOpen, readers.size());
      // Visit only the partitions some spill has bytes for, in increasing order: a cursor per
      // spill walks its non-empty segments, so the round costs the segments, not the partitions.
      SegmentIndex.Cursor[] cursors = new SegmentIndex.Cursor[spills.size()];
      for (int s = 0; s < spills.size(); s++) {
        cursors[s] = spills.get(s).segments().cursor();
      }
      long[] positions = new long[spills.size()];
      long[] lengths = new long[spills.size()];
      for (int p = nextPartition(cursors); p >= 0; p = nextPartition(cursors)) {
        for (int s = 0; s < cursors.length; s++) {
          if (cursors[s].segment() == p) {
            positions[s] = cursors[s].offset();
            lengths[s] = cursors[s].length();
            cursors[s].advance();
          } else {
            lengths[s] = 0;
          }
        }
        try (MergeTarget.PartitionOutput out = target.openPartition(p)) {
          if (plan.reserializes()) {
            reserialize(spills, readers, positions, lengths, out, outputBlockIds.apply(p));
            continue;
          }
          switch (plan.strategy()) {
            case TRANSFER_TO -> copyWithTransferTo(readers, positions, lengths, out);
            case FILE_STREAM ->
                copyWithStreams(
                    spills, readers, positions, lengths, out, false, outputBlockIds.apply(p));
            case SLOW ->
                copyWithStreams(
                    spills, readers, positions, lengths, out, true, outputBlockIds.apply(p));
            case COMPRESS -> {
              if (intermediate) {
                // SERIALIZED segments concatenate as they are; compression waits for the output
                copyWithTransferTo(readers, positions, lengths, out);
              } else {
                compressOnce(readers, positions, lengths, out, outputBlockIds.apply(p));
              }
            }
            case AUTO -> throw new IllegalStateException("a plan never holds auto");
          }
        }
      }
    } finally {
      Closeables.closeAll(readers);
    }
  }

  /** The smallest partition a cursor is at, or -1 when all are past their last segment. */
  private static int nextPartition(SegmentIndex.Cursor[] cursors) {
    int next = -1;
    for (SegmentIndex.Cursor cursor : cursors) {
      int p = cursor.segment();
      if (p >= 0 && (next < 0 || p < next)) {
        next = p;
      }
    }
    return next;
  }

  /**
   * Byte-for-byte concatenation. Segments of at least {@link #DIRECT_TRANSFER_BYTES} go through
   * {@code FileChannel.transferTo} (no copy through the heap); smaller ones, the common case with
   * many spills, are gathered through the spill's read buffer and {@link #writeBuffer} and written
   * in large calls: a system call (or an mmap/munmap pair, see {@link SpillReader})
   * per tiny segment costs more than copying it.
   */
  private void copyWithTransferTo(
      List<SpillReader> readers, long[] positions, long[] lengths, MergeTarget.PartitionOutput out)
      throws IOException {
    WritableByteChannel channel = out.channel();
    OutputStream small = channel != null ? writeBuffer.target(channel) : out.stream();
    for (int s = 0; s < readers.size(); s++) {
      long length = lengths[s];
      if (length == 0) {
        continue;
      }
      long position = positions[s];
      if (channel != null && length >= DIRECT_TRANSFER_BYTES) {
        small.flush();
        Channels.transferFully(readers.get(s).channel(), position, length, channel);
      } else {
        readers.get(s).copyTo(position, length, small);
      }
    }
    small.flush();
  }

  /**
   * Stream merge of one partition. Without {@code decode}, compressed bytes are copied as they
   * are (decrypting each segment and re-encrypting the partition when encryption is on); with
   * it, each segment is fully unwrapped and the partition wrapped again as one stream.
   */
  private void copyWithStreams(
      List<Spill> spills,
      List<SpillReader> readers,
      long[] positions,
      long[] lengths,
      MergeTarget.PartitionOutput out,
      boolean decode,
      BlockId outputBlockId)
      throws IOException {
    OutputStream raw = new NonClosingOutputStream(out.stream());
    OutputStream partitionStream =
        decode
            ? blockStreams.wrap(outputBlockId, raw)
            : (encryptionEnabled ? serializerManager.wrapForEncryption(raw) : raw);
    try {
      for (int s = 0; s < spills.size(); s++) {
        Spill spill = spills.get(s);
        long length = lengths[s];
        if (length == 0) {
          continue;
        }
        if (!decode && !encryptionEnabled) {
          readers.get(s).copyTo(positions[s], length, partitionStream);
          continue;
        }
        InputStream segment = readers.get(s).open(positions[s], length);
        segment =
            decode
                ? serializerManager.wrapStream(spill.blockId(), segment)
                : serializerManager.wrapForEncryption(segment);
        try (InputStream in = segment) {
          int n;
          while ((n = in.read(copyBuffer)) > 0) {
            partitionStream.write(copyBuffer, 0, n);
          }
        }
      }
    } finally {
      partitionStream.close();
    }
  }

  /**
   * SERIALIZED segments of one partition, concatenated through one codec (and cipher) stream:
   * the partition is compressed once, however many spills it came from.
   */
  private void compressOnce(
      List<SpillReader> readers,
      long[] positions,
      long[] lengths,
      MergeTarget.PartitionOutput out,
      BlockId outputBlockId)
      throws IOException {
    OutputStream partitionStream =
        blockStreams.wrap(outputBlockId, new NonClosingOutputStream(out.stream()));
    try {
      for (int s = 0; s < readers.size(); s++) {
        if (lengths[s] > 0) {
          readers.get(s).copyTo(positions[s], lengths[s], partitionStream);
        }
      }
    } finally {
      partitionStream.close();
    }
  }

  /** Decodes every segment of one partition into records and writes them as one stream. */
  private void reserialize(
      List<Spill> spills,
      List<SpillReader> readers,
      long[] positions,
      long[] lengths,
      MergeTarget.PartitionOutput out,
      BlockId outputBlockId)
      throws IOException {
    OutputStream raw = new NonClosingOutputStream(out.stream());
    SerializationStream records =
        reserializer.serializeStream(blockStreams.wrap(outputBlockId, raw));
    try {
      for (int s = 0; s < spills.size(); s++) {
        Spill spill = spills.get(s);
        long length = lengths[s];
        if (length == 0) {
          continue;
        }
        InputStream segment =
            serializerManager.wrapStream(
                spill.blockId(), readers.get(s).open(positions[s], length));
        DeserializationStream decoded = reserializer.deserializeStream(segment);
        try {
          scala.collection.Iterator<scala.Tuple2<Object, Object>> pairs =
              decoded.asKeyValueIterator();
          while (pairs.hasNext()) {
            scala.Tuple2<Object, Object> pair = pairs.next();
            records.writeKey(pair._1(), OBJECT_TAG);
            records.writeValue(pair._2(), OBJECT_TAG);
          }
        } finally {
          decoded.close();
        }
      }
    } finally {
      records.close();
    }
  }

  /**
   * An intermediate spill file: the round's bytes, already in the spills' format, through a
   * {@link SpillWriter} of encoded bytes (a stream, or its file's channel for transferTo).
   */
  private final class IntermediateSpillTarget implements MergeTarget, Closeable {
    private final SpillWriter writer;

    IntermediateSpillTarget(SpillFile location) throws IOException {
      this.writer =
          SpillWriter.encoded(
              location, numPartitions, plan.spillFormat(), settings.fileBufferSizeBytes());
    }

    @Override
    public PartitionOutput openPartition(int partitionId) {
      return new PartitionOutput() {
        @Override
        public WritableByteChannel channel() throws IOException {
          return writer.openPartitionChannel(partitionId);
        }

        @Override
        public OutputStream stream() throws IOException {
          return writer.openPartition(partitionId);
        }

        @Override
        public void close() {
          // the segment ends when the next one opens or the file is finished
        }
      };
    }

    Spill finish(long records) throws IOException {
      return writer.finish(records);
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }
}
