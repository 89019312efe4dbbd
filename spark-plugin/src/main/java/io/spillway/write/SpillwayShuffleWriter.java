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

import io.spillway.io.WriteFailures;
import io.spillway.memory.NotEnoughExecutionMemoryException;
import io.spillway.metrics.ShuffleCounters;
import io.spillway.spark.LocalDiskMapOutput;
import io.spillway.spark.RowChecksums;
import io.spillway.spark.SparkVersionBridge;
import io.spillway.spill.Spill;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.Partitioner;
import org.apache.spark.memory.SparkOutOfMemoryError;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.shuffle.ShuffleWriteMetricsReporter;
import org.apache.spark.shuffle.ShuffleWriter;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.SingleSpillShuffleMapOutputWriter;
import org.apache.spark.storage.BlockManagerId;
import scala.Option;
import scala.Product2;

/**
 * Spillway's map-side writer: partition each record, hand it to a {@link MapOutputBuffer}, and
 * at the end turn what the buffer holds into the map output through Spark's shuffle IO API:
 *
 * <pre>
 *   nothing spilled  -> write the in-memory records straight to the map output
 *   one spill        -> move the spill file into place (SingleSpillShuffleMapOutputWriter),
 *                       unless its segments are SERIALIZED: then merge it (one compressing pass)
 *   several spills   -> merge them (transferTo | fileStream | slow | compress, bounded open files)
 * </pre>
 *
 * and commit the {@code .data}/{@code .index}/{@code .checksum} files with the partition lengths
 * that go into the {@link MapStatus}. Every page is freed and every temp file deleted in {@link
 * #stop}, whether the task succeeded or not. A failure to write (a full disk) names the file:
 * spill files name themselves, the map output is named here, and what Spark's local-disk writer
 * leaves of a failed map output is deleted here ({@link LocalDiskMapOutput}).
 */
public final class SpillwayShuffleWriter<K, V> extends ShuffleWriter<K, V> {
  private final Partitioner partitioner;
  private final MapTaskContext task;
  private final MapOutputBuffer<K, V> buffer;
  private final ShuffleWriteMetricsReporter writeMetrics;
  private final ShuffleExecutorComponents executorComponents;
  private final BlockManagerId shuffleServerId;
  private final RowChecksums rowChecksums;
  private final SparkVersionBridge spark;
  private final ShuffleCounters counters;
  private MapStatus mapStatus;
  private long[] partitionLengths;
  private boolean stopping;

  /**
   * @param partitioner the dependency's partitioner
   * @param rowChecksums the dependency's order-independent row checksums (Spark 4.1+; none
   *     unless SQL asks for them). The records written may be the dependency's values or, after
   *     map-side combine, combiners.
   * @param spark the running Spark line's calls (builds the {@link MapStatus})
   */
  public SpillwayShuffleWriter(
      Partitioner partitioner,
      RowChecksums rowChecksums,
      MapTaskContext task,
      MapOutputBuffer<K, V> buffer,
      ShuffleWriteMetricsReporter writeMetrics,
      ShuffleExecutorComponents executorComponents,
      BlockManagerId shuffleServerId,
      SparkVersionBridge spark) {
    this(
        partitioner,
        rowChecksums,
        task,
        buffer,
        writeMetrics,
        executorComponents,
        shuffleServerId,
        spark,
        ShuffleCounters.NONE);
  }

  /** A writer whose task adds its spills and merge to the shuffle's {@code counters}. */
  public SpillwayShuffleWriter(
      Partitioner partitioner,
      RowChecksums rowChecksums,
      MapTaskContext task,
      MapOutputBuffer<K, V> buffer,
      ShuffleWriteMetricsReporter writeMetrics,
      ShuffleExecutorComponents executorComponents,
      BlockManagerId shuffleServerId,
      SparkVersionBridge spark,
      ShuffleCounters counters) {
    this.counters = counters;
    this.partitioner = partitioner;
    this.task = task;
    this.buffer = buffer;
    this.writeMetrics = writeMetrics;
    this.executorComponents = executorComponents;
    this.shuffleServerId = shuffleServerId;
    this.rowChecksums = rowChecksums;
    this.spark = spark;
  }

  @Override
  public void write(scala.collection.Iterator<Product2<K, V>> records) throws IOException {
    boolean hasRowChecksums = rowChecksums.enabled();
    while (records.hasNext()) {
      Product2<K, V> record = records.next();
      K key = record._1();
      int partitionId = partitioner.getPartition(key);
      if (hasRowChecksums) {
        rowChecksums.update(partitionId, key, record._2());
      }
      try {
        buffer.insert(partitionId, key, record._2());
      } catch (SparkOutOfMemoryError e) {
        // Spark's message names neither Spillway nor a setting: say what to change. (Only the
        // buffer's own allocations are translated, not an upstream operator's.)
        throw NotEnoughExecutionMemoryException.of(
            e,
            "Spillway's map output buffer of shuffle " + task.shuffleId() + ", map " + task.mapId(),
            task.taskMemoryManager());
      }
    }
    writeOutput();
  }

  private void writeOutput() throws IOException {
    long startNanos = System.nanoTime();
    buffer.finishInserts();
    List<Spill> spills = buffer.spills();
    if (spills.isEmpty()) {
      ShuffleMapOutputWriter output = newMapOutputWriter();
      partitionLengths = commitOrAbort(output, () -> buffer.writeInMemoryTo(output));
    } else {
      buffer.spillRemaining();
      spills = buffer.spills();
      // a SERIALIZED spill still needs its compressing pass: only a WRAPPED spill can be moved
      Optional<SingleSpillShuffleMapOutputWriter> mover =
          spills.size() == 1 && spills.get(0).format() == Spill.SegmentFormat.WRAPPED
              ? executorComponents.createSingleFileMapOutputWriter(task.shuffleId(), task.mapId())
              : Optional.empty();
      if (mover.isPresent()) {
        Spill spill = spills.get(0);
        partitionLengths = spill.partitionLengths().clone();
        try {
          mover.get().transferMapSpillFile(spill.file(), partitionLengths, buffer.spillChecksums());
        } catch (IOException e) {
          throw failedMapOutput(e);
        } catch (RuntimeException | Error e) {
          deleteLeftoversOfMapOutput(e);
          throw e;
        }
        task.spillFiles().release(spill.file());
      } else {
        ShuffleMapOutputWriter output = newMapOutputWriter();
        partitionLengths = commitOrAbort(output, () -> buffer.mergeSpillsTo(output));
      }
    }
    buffer.free();
    long bytesWritten = 0;
    for (long length : partitionLengths) {
      bytesWritten += length;
    }
    writeMetrics.incBytesWritten(bytesWritten);
    writeMetrics.incRecordsWritten(buffer.recordsInserted());
    writeMetrics.incWriteTime(System.nanoTime() - startNanos);
    counters.mapOutputWritten(
        buffer.spillCount(),
        buffer.mergeRounds(),
        buffer.mergeStrategyName(),
        buffer.mostSpillFilesOpen(),
        buffer.mergeMillis());
    mapStatus = spark.mapStatus(shuffleServerId, partitionLengths, task.mapId(), rowChecksums);
  }

  private ShuffleMapOutputWriter newMapOutputWriter() throws IOException {
    return executorComponents.createMapOutputWriter(
        task.shuffleId(), task.mapId(), task.numPartitions());
  }

  /**
   * Writes the output and commits it, or aborts it with the first failure kept. A failed commit
   * is aborted too, as the shuffle IO API asks; what Spark's local-disk writer still leaves after
   * its abort is deleted ({@link LocalDiskMapOutput}).
   */
  private long[] commitOrAbort(ShuffleMapOutputWriter output, OutputBody body) throws IOException {
    try {
      long[] checksums = body.write();
      return output.commitAllPartitions(checksums).getPartitionLengths();
    } catch (IOException e) {
      abortKeeping(output, e);
      throw failedMapOutput(e);
    } catch (RuntimeException | Error e) {
      abortKeeping(output, e);
      deleteLeftoversOfMapOutput(e);
      throw e;
    }
  }

  private static void abortKeeping(ShuffleMapOutputWriter output, Throwable failure) {
    try {
      output.abort(failure);
    } catch (Exception abortFailure) {
      failure.addSuppressed(abortFailure);
    }
  }

  /**
   * After an I/O error writing the map output: deletes what Spark's local-disk writer left of it
   * and returns the error to throw, naming the map output and its file.
   */
  private IOException failedMapOutput(IOException failure) {
    String output = "the map output of map " + task.mapId() + " of shuffle " + task.shuffleId();
    LocalDiskMapOutput files =
        LocalDiskMapOutput.find(executorComponents, task.shuffleId(), task.mapId());
    IOException named =
        WriteFailures.naming(
            failure,
            files != null
                ? output + " (" + files.dataFile().getPath() + ")"
                : output + " (through " + executorComponents.getClass().getName() + ")");
    if (files != null) {
      files.deleteTempFiles(named);
    }
    return named;
  }

  private void deleteLeftoversOfMapOutput(Throwable failure) {
    LocalDiskMapOutput files =
        LocalDiskMapOutput.find(executorComponents, task.shuffleId(), task.mapId());
    if (files != null) {
      files.deleteTempFiles(failure);
    }
  }

  @FunctionalInterface
  private interface OutputBody {
    long[] write() throws IOException;
  }

  @Override
  public Option<MapStatus> stop(boolean success) {
    if (stopping) {
      return Option.empty();
    }
    stopping = true;
    Throwable failure = null;
    try {
      task.taskMetrics().incPeakExecutionMemory(buffer.peakMemoryBytes());
      buffer.free();
      task.spillFiles().deleteAll(null);
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
    if (success) {
      if (mapStatus == null) {
        throw new IllegalStateException("Cannot call stop(true) without having called write()");
      }
      if (failure != null) {
        throw new IllegalStateException("Map output committed, but cleaning up failed", failure);
      }
      return Option.apply(mapStatus);
    }
    return Option.empty();
  }

  @Override
  public long[] getPartitionLengths() {
    return partitionLengths;
  }
}
