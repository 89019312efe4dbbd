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

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.storage.TempLocalBlockId;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reduce side's spill files (sorter runs, combiner spills, spilled lists) on a full disk:
 * the error names the file, also when the serializer wraps it (Kryo throws a KryoException).
 */
class SegmentedSpillWriterTest {

  @TempDir
  Path directory;

  @ParameterizedTest
  @EnumSource(SpillTestSupport.SerializerKind.class)
  void aFullDiskIsReportedWithTheSpillFile(SpillTestSupport.SerializerKind kind) throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs Linux's /dev/full");
    SpillTestSupport support = new SpillTestSupport(directory, 1L << 20, kind, false);
    TempLocalBlockId blockId = new TempLocalBlockId(UUID.randomUUID());
    File link = Files.createSymbolicLink(directory.resolve(blockId.name()), devFull).toFile();
    SegmentedSpillWriter writer = new SegmentedSpillWriter(new SpillFile(blockId, link),
        support.serializerManager, support.serializer, 4096, false, true);
    try {
      writer.beginSegment();
      for (int i = 0; i < 100_000; i++) {
        writer.write(i, "value " + i);
      }
      writer.endSegment();
      writer.finish();
      fail("writing 100000 records to /dev/full must fail");
    } catch (Exception e) {
      writer.abort(e);
      List<String> messages = new ArrayList<>();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.add(t.getClass().getSimpleName() + ": " + t.getMessage());
      }
      String expected = "Cannot write " + link.getPath() + ": No space left on device";
      assertTrue(messages.stream().anyMatch(m -> m.contains(expected)),
          () -> "the failure must name the file: " + messages);
    } finally {
      Files.delete(link.toPath()); // the link, never /dev/full
    }
  }
}
