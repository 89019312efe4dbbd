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
package io.spillway.it.edge;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every regular file under some local directories, sorted into what a shuffle may leave behind
 * and what it may not:
 *
 * <pre>
 *   shuffle_S_M_0.data | .index | .checksum.ALG   committed map output of shuffle S, map task M
 *   temp_shuffle_UUID                              a map-side spill (Spark's TempShuffleBlockId)
 *   temp_local_UUID                                a reduce-side spill (Spark's TempLocalBlockId)
 *   anything else                                  e.g. shuffle_*.data.UUID (uncommitted), *.tmp
 * </pre>
 *
 * Serializable so a task can take a census of its executor's directories and send it back.
 *
 * @param shuffleOutputs committed map outputs, as paths relative to nothing (absolute)
 * @param mapSpills map-side spill files
 * @param reduceSpills reduce-side spill files (combiners, sorters, spilled lists)
 * @param others every other file
 */
record FileCensus(
    List<String> shuffleOutputs,
    List<String> mapSpills,
    List<String> reduceSpills,
    List<String> others)
    implements Serializable {

  private static final Pattern SHUFFLE_OUTPUT =
      Pattern.compile("shuffle_(\\d+)_(\\d+)_(\\d+)\\.(data|index|checksum\\.[A-Za-z0-9]+)");
  private static final Pattern MAP_SPILL = Pattern.compile("temp_shuffle_[0-9a-f-]{36}");
  private static final Pattern REDUCE_SPILL = Pattern.compile("temp_local_[0-9a-f-]{36}");

  /** Takes the census of every regular file under {@code roots} (missing roots are empty). */
  static FileCensus of(Collection<Path> roots) {
    List<String> outputs = new ArrayList<>();
    List<String> mapSpills = new ArrayList<>();
    List<String> reduceSpills = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Path file : regularFiles(roots)) {
      String name = file.getFileName().toString();
      if (SHUFFLE_OUTPUT.matcher(name).matches()) {
        outputs.add(file.toString());
      } else if (MAP_SPILL.matcher(name).matches()) {
        mapSpills.add(file.toString());
      } else if (REDUCE_SPILL.matcher(name).matches()) {
        reduceSpills.add(file.toString());
      } else {
        others.add(file.toString());
      }
    }
    return new FileCensus(outputs, mapSpills, reduceSpills, others);
  }

  static FileCensus of(Path root) {
    return of(List.of(root));
  }

  /** Every file that is not a committed map output: spills, temp files, uncommitted outputs. */
  List<String> leftovers() {
    List<String> all = new ArrayList<>(mapSpills);
    all.addAll(reduceSpills);
    all.addAll(others);
    return all;
  }

  /** Committed map outputs whose map task id is not in {@code mapTaskIds}. */
  List<String> outputsNotOf(Set<Long> mapTaskIds) {
    return shuffleOutputs.stream()
        .filter(path -> !mapTaskIds.contains(mapIdOf(path)))
        .collect(Collectors.toList());
  }

  /** Committed map outputs of shuffle {@code shuffleId}. */
  List<String> outputsOfShuffle(int shuffleId) {
    return shuffleOutputs.stream()
        .filter(path -> shuffleIdOf(path) == shuffleId)
        .collect(Collectors.toList());
  }

  /** The map task ids that have an {@code .index} file. */
  Set<Long> indexedMapIds() {
    return shuffleOutputs.stream()
        .filter(path -> path.endsWith(".index"))
        .map(FileCensus::mapIdOf)
        .collect(Collectors.toSet());
  }

  int fileCount() {
    return shuffleOutputs.size() + mapSpills.size() + reduceSpills.size() + others.size();
  }

  /** File names only, for messages. */
  static List<String> names(List<String> paths) {
    return paths.stream()
        .map(p -> Path.of(p).getFileName().toString())
        .collect(Collectors.toList());
  }

  @Override
  public String toString() {
    return "FileCensus{outputs="
        + names(shuffleOutputs)
        + ", mapSpills="
        + names(mapSpills)
        + ", reduceSpills="
        + names(reduceSpills)
        + ", others="
        + names(others)
        + "}";
  }

  /** A short summary: counts only. */
  String counts() {
    return shuffleOutputs.size()
        + " map output files, "
        + mapSpills.size()
        + " map spills, "
        + reduceSpills.size()
        + " reduce spills, "
        + others.size()
        + " other files";
  }

  static long mapIdOf(String path) {
    return Long.parseLong(shuffleOutputMatcher(path).group(2));
  }

  static int shuffleIdOf(String path) {
    return Integer.parseInt(shuffleOutputMatcher(path).group(1));
  }

  private static Matcher shuffleOutputMatcher(String path) {
    Matcher m = SHUFFLE_OUTPUT.matcher(Path.of(path).getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a shuffle output file: " + path);
    }
    return m;
  }

  static List<Path> regularFiles(Collection<Path> roots) {
    for (int attempt = 1; ; attempt++) {
      List<Path> files = new ArrayList<>();
      try {
        for (Path root : roots) {
          if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
              walk.filter(Files::isRegularFile).forEach(files::add);
            }
          }
        }
        files.sort(Comparator.naturalOrder());
        return files;
      } catch (UncheckedIOException | IOException e) {
        // a file or directory vanished during the walk (a running task deleted it): walk again
        if (attempt == 10) {
          throw new IllegalStateException("could not list " + roots, e);
        }
      }
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}
