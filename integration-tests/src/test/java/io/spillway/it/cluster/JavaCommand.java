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

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code java} command line for one Spark process (Master, Worker, spark-submit's driver) and
 * its environment, as Spark's own scripts would start it: {@code java <options> -cp
 * SPARK_HOME/jars/* <main class> <arguments>}.
 *
 * <p>The environment is this JVM's minus every {@code SPARK_*}, {@code PYSPARK_*},
 * {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR} variable, plus what the command sets. Why:
 * the test JVM may run with {@code SPARK_TESTING=1} (the parent pom sets it for surefire, and a
 * developer's shell may have more), and a Worker that inherits it builds executor class paths
 * from a Spark source tree and runs Spark's test-only code paths. Executors inherit the Worker's
 * environment, so this is where it is kept clean.
 */
public final class JavaCommand {
  private final String mainClass;
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> arguments = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private String classPath;

  private JavaCommand(String mainClass) {
    this.mainClass = mainClass;
  }

  public static JavaCommand forMainClass(String mainClass) {
    return new JavaCommand(mainClass);
  }

  public JavaCommand classPath(String value) {
    this.classPath = value;
    return this;
  }

  public JavaCommand jvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  public JavaCommand jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** {@code -Dkey=value}: how Spark daemons take settings without a properties file. */
  public JavaCommand sparkSetting(String key, String value) {
    return jvmOption("-D" + key + "=" + value);
  }

  public JavaCommand arguments(List<String> values) {
    arguments.addAll(values);
    return this;
  }

  public JavaCommand arguments(String... values) {
    return arguments(List.of(values));
  }

  public JavaCommand environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** The full command: java executable, options, class path, main class, arguments. */
  public List<String> command() {
    if (classPath == null) {
      throw new IllegalStateException("no class path for " + mainClass);
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }

  /** A process builder in {@code workingDirectory}, output and errors appended to the files. */
  public ProcessBuilder processBuilder(Path workingDirectory, Path stdout, Path stderr) {
    ProcessBuilder builder = new ProcessBuilder(command()).directory(workingDirectory.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            name ->
                name.startsWith("SPARK_")
                    || name.startsWith("PYSPARK_")
                    || name.equals("HADOOP_CONF_DIR")
                    || name.equals("YARN_CONF_DIR"));
    env.putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
    builder.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    return builder;
  }

  @Override
  public String toString() {
    return String.join(" ", command());
  }
}
