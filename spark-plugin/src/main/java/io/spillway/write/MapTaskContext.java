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

import io.spillway.config.WriteSettings;
import io.spillway.io.TempFileTracker;
import io.spillway.spill.SpillFile;
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
    TempFileTracker<SpillFile> spillFiles,
    TaskMetrics taskMetrics) {}
