package io.spillway.write;

import io.spillway.io.Closeables;
import io.spillway.io.ExposedByteArrayOutputStream;
import io.spillway.memory.TaskMemoryConsumer;
import io.spillway.write.merge.SpillMerger;
import io.spillway.write.sort.PageSorter;
import io.spillway.write.sort.PackedRecordPointer;
import io.spillway.write.spill.PartitionSink;
import io.spillway.write.spill.PartitionChecksums;
import io.spillway.write.spill.SpillFile;
import io.spillway.write.spill.SpillFileWriter;
import io.spillway.write.spill.SpillLocation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.unsafe.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The serialized path: each record is serialized at once (so the caller may reuse its objects,
 * as Spark SQL does) and its bytes copied into a {@link PageSorter}. A spill sorts the pointers
 * by partition and writes one {@link SpillFile}; because the serializer is relocatable and the
 * codec concatenates, spills merge by copying bytes.
 */
public final class SerializedMapOutputBuffer<K, V> implements MapOutputBuffer<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(SerializedMapOutputBuffer.class);
  private static final ClassTag<Object> OBJECT_TAG = ClassTag$.MODULE$.Object();
  private static final int INITIAL_SERIALIZATION_BUFFER_BYTES = 1024 * 1024;

  private final MapTaskContext task;
  private final TaskMemoryConsumer memory;
  private final PageSorter sorter;
  private final ExposedByteArrayOutputStream serializationBuffer;
  private final SerializationStream serializationStream;
  private final Checksum[] spillChecksums;
  private final List<SpillFile> spills = new ArrayList<>();
  private final Thread ownerThread;
  private long recordsInserted;
  private int spillCount;
  private int mergeRounds;
  private int mostSpillFilesOpen;
  private boolean finishing;
  private boolean freed;

  public SerializedMapOutputBuffer(MapTaskContext task) {
    this.task = task;
    this.memory = TaskMemoryConsumer.tungsten(task.taskMemoryManager(),
        Math.min(PackedRecordPointer.MAXIMUM_PAGE_SIZE_BYTES, task.taskMemoryManager().pageSizeBytes()));
    this.sorter = new PageSorter(memory, task.settings().initialPointerSlots(),
        task.settings().diskWriteBufferSizeBytes());
    this.serializationBuffer = new ExposedByteArrayOutputStream(INITIAL_SERIALIZATION_BUFFER_BYTES);
    this.serializationStream = task.serializer().serializeStream(serializationBuffer);
    this.spillChecksums = PartitionChecksums.create(task.settings().checksumEnabled(),
            task.settings().checksumAlgorithm(), task.numPartitions());
    this.ownerThread = Thread.currentThread();
    memory.setSpillHandler(this::spillOnRequest);
  }

  @Override
  public void insert(int partitionId, K key, V value) throws IOException {
    if (sorter.numRecords() >= task.settings().forceSpillRecords()
        || sorter.memoryBytes() >= task.settings().forceSpillBytes()) {
      spill();
    }
    serializationBuffer.reset();
    serializationStream.writeKey(key, OBJECT_TAG);
    serializationStream.writeValue(value, OBJECT_TAG);
    serializationStream.flush();
    int length = serializationBuffer.size();
    try {
      sorter.insertRecord(serializationBuffer.buffer(), Platform.BYTE_ARRAY_OFFSET, length, partitionId);
    } catch (PageSorter.PointerArrayFullException e) {
      spill();
      sorter.insertRecord(serializationBuffer.buffer(), Platform.BYTE_ARRAY_OFFSET, length, partitionId);
    }
    recordsInserted++;
  }

  @Override
  public List<SpillFile> spills() {
    return Collections.unmodifiableList(spills);
  }

  @Override
  public void spillRemaining() throws IOException {
    finishing = true;
    if (sorter.numRecords() > 0) {
      spill();
    }
  }

  @Override
  public long[] writeInMemoryTo(ShuffleMapOutputWriter output) throws IOException {
    finishing = true;
    Checksum[] checksums = PartitionChecksums.create(task.settings().checksumEnabled(),
            task.settings().checksumAlgorithm(), task.numPartitions());
    PartitionSink sink = partitionId -> {
      OutputStream raw = output.getPartitionWriter(partitionId).openStream();
      if (checksums.length > 0) {
        raw = new CheckedOutputStream(raw, checksums[partitionId]);
      }
      return task.serializerManager().wrapStream(
          new ShuffleBlockId(task.shuffleId(), task.mapId(), partitionId), raw);
    };
    sorter.writeSortedTo(sink, task.numPartitions());
    sorter.reset();
    return PartitionChecksums.values(checksums);
  }

  @Override
  public long[] mergeSpillsTo(ShuffleMapOutputWriter output) throws IOException {
    SpillMerger merger = new SpillMerger(task.settings(), task.serializerManager(),
        task.spillFiles(), task.numPartitions());
    long[] checksums = merger.merge(spills, output, task.shuffleId(), task.mapId(), spillChecksums);
    LOG.info("Merged {} spills of map {} of shuffle {} with {} in {} round(s), at most {} files open",
        spills.size(), task.mapId(), task.shuffleId(), merger.strategyName(), merger.rounds(),
        merger.mostFilesOpen());
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
    if (!freed) {
      freed = true;
      sorter.reset();
    }
  }

  /**
   * Called by the task's memory manager. A request from this buffer itself arrives while it makes
   * room for a record, a safe point. A request from another consumer is honoured only on the task
   * thread between two records: elsewhere the sorter may be in use.
   */
  private long spillOnRequest(long requestedBytes, boolean requestedByItself) throws IOException {
    if (finishing || freed || sorter.numRecords() == 0) {
      return 0;
    }
    if (!requestedByItself
        && (Thread.currentThread() != ownerThread || sorter.isInsertInProgress())) {
      return 0;
    }
    return spill();
  }

  private long spill() throws IOException {
    if (sorter.numRecords() == 0) {
      return 0;
    }
    long startNanos = System.nanoTime();
    SpillLocation location = task.spillFiles().create();
    SpillFile spill;
    SpillFileWriter writer = new SpillFileWriter(location, task.numPartitions(),
        task.serializerManager(), spillChecksums, task.settings().fileBufferSizeBytes());
    try {
      sorter.writeSortedTo(writer, task.numPartitions());
      spill = writer.finish(sorter.numRecords());
    } catch (IOException | RuntimeException | Error e) {
      Closeables.closeWhileFailing(writer, e);
      throw e;
    }
    spills.add(spill);
    spillCount++;
    long freedBytes = sorter.reset();
    task.taskMetrics().incMemoryBytesSpilled(freedBytes);
    task.taskMetrics().incDiskBytesSpilled(spill.totalBytes());
    LOG.info("Spilled {} records ({} bytes of memory) of map {} of shuffle {} to {} bytes on disk"
        + " in {} ms (spill #{})", spill.records(), freedBytes, task.mapId(), task.shuffleId(),
        spill.totalBytes(), (System.nanoTime() - startNanos) / 1_000_000, spills.size());
    return freedBytes;
  }
}
