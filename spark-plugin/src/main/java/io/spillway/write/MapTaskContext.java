package io.spillway.write;

import io.spillway.write.spill.SpillLocation;
import io.spillway.io.TempFileTracker;
import io.spillway.config.WriteSettings;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;

/**
 * What a map output buffer needs from its task, gathered once by the writer (or a test).
 *
 * @param shuffleId the shuffle
 * @param mapId the map task id ({@code TaskContext.taskAttemptId()} in Spark 4)
 * @param numPartitions reduce partitions
 * @param settings map-side settings
 * @param taskMemoryManager the task's memory manager
 * @param serializer an instance of the dependency's serializer, for this task only
 * @param serializerManager compression and encryption of streams
 * @param spillFiles every temp file the task creates
 * @param taskMetrics where spill metrics go
 */
public record MapTaskContext(
    int shuffleId,
    long mapId,
    int numPartitions,
    WriteSettings settings,
    TaskMemoryManager taskMemoryManager,
    SerializerInstance serializer,
    SerializerManager serializerManager,
    TempFileTracker<SpillLocation> spillFiles,
    TaskMetrics taskMetrics) {}
