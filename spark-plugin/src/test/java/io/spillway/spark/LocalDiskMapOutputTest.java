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
package io.spillway.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a failed map output, only this map attempt's temp data files are deleted. */
class LocalDiskMapOutputTest {

  @TempDir Path directory;

  @Test
  void deletesTheTempDataFilesOfThisMapOutputOnly() throws IOException {
    String uuid = UUID.randomUUID().toString();
    Path dataFile = directory.resolve("shuffle_3_11_0.data");
    for (String name :
        List.of(
            "shuffle_3_11_0.data." + uuid, // left by Spark's writer: deleted
            "shuffle_3_11_0.data." + UUID.randomUUID(), // a second one: deleted
            "shuffle_3_11_0.data", // a committed data file: kept
            "shuffle_3_11_0.index", // kept
            "shuffle_3_110_0.data." + uuid, // another map's temp file: kept
            "shuffle_3_11_0.data.not-a-uuid")) { // not Spark's temp name: kept
      Files.createFile(directory.resolve(name));
    }

    new LocalDiskMapOutput(dataFile.toFile()).deleteTempFiles(new IOException("the failure"));

    try (Stream<Path> left = Files.list(directory)) {
      assertEquals(
          List.of(
              "shuffle_3_110_0.data." + uuid,
              "shuffle_3_11_0.data",
              "shuffle_3_11_0.data.not-a-uuid",
              "shuffle_3_11_0.index"),
          left.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
  }
}
