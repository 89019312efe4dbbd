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
package io.spillway.bench;

import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.TempLocalBlockId;
import scala.Option;

/**
 * One task's worth of Spark pieces for a micro benchmark, without a SparkContext: a
 * {@link TestMemoryManager} capped at {@code memoryLimitBytes}, a task memory manager, Kryo, and
 * spill files in a temp directory that {@link #close()} deletes.
 */
final class BenchmarkSupport implements AutoCloseable {
  final SparkConf conf;
  final TestMemoryManager memoryManager;
  final TaskMemoryManager taskMemoryManager;
  final SerializerManager serializerManager;
  final SerializerInstance serializer;
  final Path spillDirectory;
  final SpillFileSource fileFactory;

  BenchmarkSupport(long memoryLimitBytes) throws IOException {
    this.conf =
        new SparkConf()
            .set("spark.memory.testing", "true")
            .set("spark.shuffle.spill.compress", "true");
    this.memoryManager = new TestMemoryManager(conf);
    memoryManager.limit(memoryLimitBytes);
    this.taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
    KryoSerializer kryo = new KryoSerializer(conf);
    this.serializerManager = new SerializerManager(kryo, conf, Option.empty());
    this.serializer = kryo.newInstance();
    this.spillDirectory = Files.createTempDirectory("spillway-jmh-");
    this.fileFactory =
        () -> {
          TempLocalBlockId blockId = new TempLocalBlockId(UUID.randomUUID());
          File file = spillDirectory.resolve(blockId.name()).toFile();
          return new SpillFile(blockId, file);
        };
  }

  @Override
  public void close() throws IOException {
    long leaked = taskMemoryManager.cleanUpAllAllocatedMemory();
    try (Stream<Path> files = Files.walk(spillDirectory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (leaked != 0) {
      throw new IllegalStateException("benchmark leaked " + leaked + " bytes of managed memory");
    }
  }
}
