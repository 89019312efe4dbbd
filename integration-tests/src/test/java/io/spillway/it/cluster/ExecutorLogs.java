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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the executors of one application wrote: a Worker keeps each executor's standard error
 * (Spark's log) in {@code WORK_DIR/APP_ID/EXECUTOR_ID/stderr}, after a header with the exact
 * command the Worker launched it with ({@code ExecutorRunner}). Worker work directories are not
 * cleaned up while the test runs, so the logs outlive the executors.
 */
public final class ExecutorLogs {

  /** One executor's log. */
  public record ExecutorLog(String executorId, String workerHost, Path stderr) {
    public String text() {
      try {
        return new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The first line, "Spark Executor Command: ...": how the Worker started the executor. */
    public String launchCommand() {
      return text().lines().findFirst().orElse("");
    }

    public boolean contains(String text) {
      return text().contains(text);
    }
  }

  private final String applicationId;
  private final List<ExecutorLog> logs;

  private ExecutorLogs(String applicationId, List<ExecutorLog> logs) {
    this.applicationId = applicationId;
    this.logs = logs;
  }

  static ExecutorLogs of(String applicationId, List<StandaloneCluster.Worker> workers) {
    List<ExecutorLog> logs = new ArrayList<>();
    for (StandaloneCluster.Worker worker : workers) {
      Path appDirectory = worker.workDirectory().resolve(applicationId);
      if (!Files.isDirectory(appDirectory)) {
        continue;
      }
      try (Stream<Path> executors = Files.list(appDirectory)) {
        executors
            .filter(d -> Files.isRegularFile(d.resolve("stderr")))
            .sorted()
            .forEach(
                d ->
                    logs.add(
                        new ExecutorLog(
                            d.getFileName().toString(), worker.host(), d.resolve("stderr"))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ExecutorLogs(applicationId, logs);
  }

  public List<ExecutorLog> all() {
    return logs;
  }

  @Override
  public String toString() {
    return "executor logs of "
        + applicationId
        + ": "
        + logs.stream().map(l -> l.stderr().toString()).toList();
  }
}
