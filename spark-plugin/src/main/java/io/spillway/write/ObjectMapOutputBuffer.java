package io.spillway.write;

import io.spillway.io.Closeables;
import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.write.merge.SpillMerger;
import io.spillway.write.spill.PartitionSink;
import io.spillway.write.spill.PartitionChecksums;
import io.spillway.write.spill.SpillFile;
import io.spillway.write.spill.SpillFileWriter;
import io.spillway.write.spill.SpillLocation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.util.SizeEstimator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The object path, for serializers whose output cannot be cut and concatenated (Java
 * serialization, Kryo without auto-reset) and for shuffles with more than 2^24 partitions.
 *
 * <p>Records are kept as objects with their partition ids. Memory is accounted through a {@link
 * TaskMemoryConsumer}: the size of a record is measured with Spark's {@link SizeEstimator} on a
 * sample (every record at first, then one in {@value #SAMPLE_INTERVAL}) and the running average
 * times the record count, plus the arrays themselves, is what the buffer asks the task for. When
 * the task cannot grant it, the records are sorted by partition (stable) and spilled, each
 * partition as its own serialization stream; spills are merged by decoding and re-encoding.
 *
 * <p>Keeping references is allowed here: Spark SQL, the one caller that reuses row objects, only
 * avoids copying rows when the serializer is relocatable, which never reaches this class.
 */
public final class ObjectMapOutputBuffer<K, V> implements MapOutputBuffer<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectMapOutputBuffer.class);
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();
  private static final int SAMPLE_INTERVAL = 64;
  private static final int INITIAL_CAPACITY = 1024;
  /** Reference arrays: a key and a value reference plus an int partition id per slot. */
  private static final long ARRAY_BYTES_PER_SLOT = 8 + 8 + 4;
  private static final long MINIMUM_MEMORY_REQUEST_BYTES = 1L << 20;

  private final MapTaskContext task;
  private final TaskMemoryConsumer memory;
  private final Checksum[] spillChecksums;
  private final List<SpillFile> spills = new ArrayList<>();
  private final Thread ownerThread;

  private Object[] keys = new Object[INITIAL_CAPACITY];
  private Object[] values = new Object[INITIAL_CAPACITY];
  private int[] partitionIds = new int[INITIAL_CAPACITY];
  private int size;
  private long sampledRecords;
  private long sampledBytes;
  private long grantedBytes;
  private long recordsInserted;
  private int spillCount;
  private int mergeRounds;
  private int mostSpillFilesOpen;
  private boolean insertInProgress;
  private boolean finishing;

  public ObjectMapOutputBuffer(MapTaskContext task) {
    this.task = task;
    this.memory = TaskMemoryConsumer.onHeap(task.taskMemoryManager());
    this.spillChecksums = PartitionChecksums.create(task.settings().checksumEnabled(),
            task.settings().checksumAlgorithm(), task.numPartitions());
    this.ownerThread = Thread.currentThread();
    memory.setSpillHandler(this::spillOnRequest);
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (size >= task.settings().forceSpillRecords()) {
      spill();
    }
    insertInProgress = true;
    try {
      if (size == keys.length) {
        int capacity = keys.length * 2;
        keys = Arrays.copyOf(keys, capacity);
        values = Arrays.copyOf(values, capacity);
        partitionIds = Arrays.copyOf(partitionIds, capacity);
      }
      keys[size] = key;
      values[size] = value;
      partitionIds[size] = partitionId;
      size++;
      if (recordsInserted < SAMPLE_INTERVAL || recordsInserted % SAMPLE_INTERVAL == 0) {
        sampledBytes += SizeEstimator.estimate(key) + SizeEstimator.estimate(value);
        sampledRecords++;
      }
      recordsInserted++;
    } finally {
      insertInProgress = false;
    }
    reserveMemoryOrSpill();
  }

  /** Estimated bytes held: records by the sampled average, plus the arrays. */
  long estimatedBytes() {
    long perRecord = sampledRecords == 0 ? 0 : sampledBytes / sampledRecords;
    return size * perRecord + keys.length * ARRAY_BYTES_PER_SLOT;
  }

  private void reserveMemoryOrSpill() throws IOException {
    long estimate = estimatedBytes();
    if (estimate <= grantedBytes) {
      return;
    }
    // ask for twice what is used, as Spark's Spillable does, so requests stay rare
    long wanted = Math.max(MINIMUM_MEMORY_REQUEST_BYTES, 2 * estimate - grantedBytes);
    // acquire first: the request may spill this buffer, which releases and zeroes grantedBytes
    long granted = memory.acquireBytes(wanted);
    grantedBytes += granted;
    if (estimatedBytes() > grantedBytes && size > 0) {
      spill();
    }
  }

  @Override
  public List<SpillFile> spills() {
    return Collections.unmodifiableList(spills);
  }

  @Override
  public void spillRemaining() throws IOException {
    finishing = true;
    if (size > 0) {
      spill();
    }
  }

  @Override
  public long[] writeInMemoryTo(ShuffleMapOutputWriter output) throws IOException {
    finishing = true;
    Checksum[] checksums = PartitionChecksums.create(task.settings().checksumEnabled(),
            task.settings().checksumAlgorithm(), task.numPartitions());
    writeSorted(partitionId -> {
      OutputStream raw = output.getPartitionWriter(partitionId).openStream();
      if (checksums.length > 0) {
        raw = new CheckedOutputStream(raw, checksums[partitionId]);
      }
      return task.serializerManager().wrapStream(
          new ShuffleBlockId(task.shuffleId(), task.mapId(), partitionId), raw);
    });
    clearRecords();
    return PartitionChecksums.values(checksums);
  }

  @Override
  public long[] mergeSpillsTo(ShuffleMapOutputWriter output) throws IOException {
    SpillMerger merger = SpillMerger.reserializing(task.settings(), task.serializerManager(),
        task.spillFiles(), task.numPartitions(), task.serializer());
    long[] checksums = merger.merge(spills, output, task.shuffleId(), task.mapId(), spillChecksums);
    LOG.info("Merged {} object spills of map {} of shuffle {} in {} round(s), at most {} files open",
        spills.size(), task.mapId(), task.shuffleId(), merger.rounds(), merger.mostFilesOpen());
    mergeRounds = merger.rounds();
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
  public int mostSpillFilesOpen() {
    return mostSpillFilesOpen;
  }

  @Override
  public void forceSpill() throws IOException {
    spill();
  }

  @Override
  public long peakMemoryBytes() {
    return memory.peakUsedBytes();
  }

  @Override
  public void free() {
    clearRecords();
    keys = new Object[0];
    values = new Object[0];
    partitionIds = new int[0];
  }

  private long spillOnRequest(long requestedBytes, boolean requestedByItself) throws IOException {
    if (finishing || size == 0) {
      return 0;
    }
    if (!requestedByItself && (Thread.currentThread() != ownerThread || insertInProgress)) {
      return 0;
    }
    return spill();
  }

  private long spill() throws IOException {
    if (size == 0) {
      return 0;
    }
    long startNanos = System.nanoTime();
    SpillLocation location = task.spillFiles().create();
    SpillFileWriter writer = new SpillFileWriter(location, task.numPartitions(),
        task.serializerManager(), spillChecksums, task.settings().fileBufferSizeBytes());
    SpillFile spill;
    try {
      writeSorted(writer);
      spill = writer.finish(size);
    } catch (IOException | RuntimeException | Error e) {
      Closeables.closeWhileFailing(writer, e);
      throw e;
    }
    spills.add(spill);
    spillCount++;
    long freedBytes = grantedBytes;
    clearRecords();
    task.taskMetrics().incMemoryBytesSpilled(freedBytes);
    task.taskMetrics().incDiskBytesSpilled(spill.totalBytes());
    LOG.info("Spilled {} records (~{} bytes of memory) of map {} of shuffle {} to {} bytes on disk"
        + " in {} ms (spill #{})", spill.records(), freedBytes, task.mapId(), task.shuffleId(),
        spill.totalBytes(), (System.nanoTime() - startNanos) / 1_000_000, spills.size());
    return freedBytes;
  }

  /**
   * Streams the records to {@code sink} in partition order, insertion order within a partition:
   * sorting {@code (partitionId << 32 | index)} keys is stable and needs no per-partition array,
   * which matters beyond 2^24 partitions.
   */
  private void writeSorted(PartitionSink sink) throws IOException {
    long[] order = new long[size];
    for (int i = 0; i < size; i++) {
      order[i] = ((long) partitionIds[i] << 32) | i;
    }
    Arrays.sort(order);
    int currentPartition = -1;
    SerializationStream out = null;
    try {
      for (long entry : order) {
        int partitionId = (int) (entry >>> 32);
        int index = (int) entry;
        if (partitionId != currentPartition) {
          if (out != null) {
            out.close();
          }
          currentPartition = partitionId;
          out = task.serializer().serializeStream(sink.openPartition(partitionId));
        }
        out.writeKey(keys[index], OBJECT_TAG);
        out.writeValue(values[index], OBJECT_TAG);
      }
      if (out != null) {
        out.close();
        out = null;
      }
    } catch (IOException | RuntimeException | Error e) {
      if (out != null) {
        Closeables.closeWhileFailing(out::close, e);
      }
      throw e;
    }
  }

  private void clearRecords() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    if (grantedBytes > 0) {
      memory.releaseBytes(grantedBytes);
      grantedBytes = 0;
    }
  }
}
