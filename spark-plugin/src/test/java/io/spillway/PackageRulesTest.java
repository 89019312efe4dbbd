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
package io.spillway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's dependency rules, checked on the sources: {@code write} and {@code read} do not
 * import each other; {@code combine} and {@code sort} import neither; {@code config},
 * {@code memory} and {@code io} are leaves that import nothing else of Spillway.
 */
class PackageRulesTest {
  private static final Pattern SPILLWAY_IMPORT =
      Pattern.compile("^import (?:static )?io\\.spillway\\.([a-z]+)", Pattern.MULTILINE);

  /** Top-level package -> Spillway packages it must not import. */
  private static final Map<String, Set<String>> FORBIDDEN = Map.of(
      "write", Set.of("read", "rdd"),
      "read", Set.of("write", "rdd"),
      "combine", Set.of("write", "read", "rdd"),
      "sort", Set.of("write", "read", "combine", "rdd"),
      "config", Set.of("write", "read", "combine", "sort", "memory", "io", "rdd"),
      "memory", Set.of("write", "read", "combine", "sort", "config", "io", "rdd"),
      "io", Set.of("write", "read", "combine", "sort", "config", "memory", "rdd"));

  @Test
  void packagesImportOnlyWhatTheDesignAllows() throws IOException {
    Path root = Path.of("src/main/java/io/spillway");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path relative = root.relativize(file);
        if (relative.getNameCount() < 2) {
          continue; // io.spillway itself: the manager wires everything
        }
        String owner = relative.getName(0).toString();
        Set<String> forbidden = FORBIDDEN.getOrDefault(owner, Set.of());
        Matcher imports = SPILLWAY_IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
          if (forbidden.contains(imports.group(1))) {
            violations.add(relative + " imports io.spillway." + imports.group(1));
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }
}
