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
package io.spillway.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Spark home the build assembled under integration-tests/target/spark-home: {@code jars/}
 * holds Spark and its runtime dependency tree, as in a Spark distribution.
 *
 * <p>Why a Spark home at all: a Worker launches each executor with a command Spark's launcher
 * builds from {@code SPARK_HOME} ({@code WorkerCommandBuilder}: class path
 * {@code SPARK_HOME/conf} + {@code SPARK_HOME/jars/*}); without it there is no standalone cluster
 * that works as in production. The plugin jar must not be in it: on a real cluster Spillway
 * reaches the executors only through spark-submit's {@code --jars}, and that is what the tests
 * prove ({@link #checkAssembled} fails when a Spillway jar is there).
 */
public final class SparkHome {
  private final Path root;

  SparkHome(Path root) {
    this.root = root.toAbsolutePath();
  }

  public Path root() {
    return root;
  }

  public Path jarsDirectory() {
    return root.resolve("jars");
  }

  /** The class path of every Spark JVM: the jars directory as a wildcard, as spark-class uses. */
  public String classPath() {
    return jarsDirectory() + "/*";
  }

  /** Jars in jars/ whose name says Spillway: must be none. */
  public List<Path> spillwayJars() {
    return jars().stream()
        .filter(p -> p.getFileName().toString().toLowerCase().contains("spillway"))
        .toList();
  }

  /** Fails unless jars/ holds spark-core and no Spillway jar. */
  public SparkHome checkAssembled() {
    if (!Files.isDirectory(jarsDirectory())) {
      throw new IllegalStateException(
          "No Spark home at "
              + root
              + " (missing "
              + jarsDirectory()
              + "); it is assembled by maven-dependency-plugin in integration-tests' "
              + "pre-integration-test phase: mvn -B -pl integration-tests -am verify");
    }
    if (jars().stream().noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
      throw new IllegalStateException("The Spark home " + root + " has no spark-core jar in jars/");
    }
    if (!spillwayJars().isEmpty()) {
      throw new IllegalStateException(
          "The Spark home must not contain the plugin (it reaches "
              + "the cluster through --jars only), but jars/ has "
              + spillwayJars());
    }
    return this;
  }

  private List<Path> jars() {
    try (Stream<Path> files = Files.list(jarsDirectory())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + jarsDirectory(), e);
    }
  }
}
