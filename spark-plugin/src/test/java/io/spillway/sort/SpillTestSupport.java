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
package io.spillway.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spillway.spill.SpillFile;
import io.spillway.spill.SpillFileSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.memory.TestMemoryManager;
import org.apache.spark.security.CryptoStreamUtils;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.storage.TempLocalBlockId;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import scala.Option;

/**
 * One task's worth of Spark pieces for the cores: a {@link TestMemoryManager} capped at a byte
 * limit, a serializer manager (optionally encrypting), a serializer, and spill files in a JUnit
 * temp directory. {@link #assertNoLeaks()} is the teardown check.
 */
public final class SpillTestSupport {

  public enum SerializerKind {
    JAVA,
    KRYO
  }

  public final SparkConf conf;
  public final TestMemoryManager memoryManager;
  public final TaskMemoryManager taskMemoryManager;
  public final SerializerManager serializerManager;
  public final SerializerInstance serializer;
  public final Path spillDirectory;
  public final SpillFileSource fileFactory;

  public SpillTestSupport(
      Path spillDirectory, long memoryLimitBytes, SerializerKind kind, boolean encrypt) {
    this.spillDirectory = spillDirectory;
    this.conf =
        new SparkConf()
            .set("spark.memory.testing", "true")
            .set("spark.shuffle.spill.compress", "true")
            .set("spark.io.encryption.enabled", String.valueOf(encrypt));
    this.memoryManager = new TestMemoryManager(conf);
    memoryManager.limit(memoryLimitBytes);
    this.taskMemoryManager = new TaskMemoryManager(memoryManager, 0);
    Serializer sparkSerializer =
        kind == SerializerKind.KRYO ? new KryoSerializer(conf) : new JavaSerializer(conf);
    Option<byte[]> key = encrypt ? Option.apply(CryptoStreamUtils.createKey(conf)) : Option.empty();
    this.serializerManager = new SerializerManager(sparkSerializer, conf, key);
    this.serializer = sparkSerializer.newInstance();
    this.fileFactory =
        () -> {
          TempLocalBlockId blockId = new TempLocalBlockId(UUID.randomUUID());
          File file = spillDirectory.resolve(blockId.name()).toFile();
          return new SpillFile(blockId, file);
        };
  }

  public static SpillTestSupport javaSerializer(Path directory, long memoryLimitBytes) {
    return new SpillTestSupport(directory, memoryLimitBytes, SerializerKind.JAVA, false);
  }

  public long spillFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(spillDirectory)) {
      return files.count();
    }
  }

  /**
   * A test's teardown check: every {@link #track tracked} support is checked for leaked memory and
   * files after the test, also when the test failed (a check at the end of its body would not run).
   */
  public static final class LeakCheck implements AfterEachCallback {
    private final List<SpillTestSupport> supports = new ArrayList<>();

    public SpillTestSupport track(SpillTestSupport support) {
      supports.add(support);
      return support;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
      for (SpillTestSupport support : supports) {
        support.assertNoLeaks();
      }
    }
  }

  public void assertNoLeaks() throws IOException {
    assertEquals(0L, taskMemoryManager.cleanUpAllAllocatedMemory(), "leaked managed memory bytes");
    assertEquals(0L, spillFilesLeft(), "spill files left in " + spillDirectory);
  }
}
