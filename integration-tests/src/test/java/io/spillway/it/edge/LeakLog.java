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

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Sees memory that a task left allocated, also in tasks that were killed or failed.
 *
 * <p>Why a log: when a task ends, Spark's executor frees whatever the task still holds ({@code
 * TaskMemoryManager.cleanUpAllAllocatedMemory}) and fails the task on a leak only if the task
 * succeeded ({@code spark.unsafe.exceptionOnMemoryLeak}); for a killed task it says nothing, and
 * the executor's memory is back to zero either way. What it does, at DEBUG, is log each consumer
 * that still used memory ({@code "unreleased N memory from <consumer>"}) and each page not freed
 * ({@code "unreleased page: ..."}). This captures those lines from the in-process executor of a
 * local-mode SparkContext. Every acquisition is logged at DEBUG as well ({@code "Task N acquired
 * ..."}): seeing those proves the capture works, so "no unreleased lines" means something.
 */
final class LeakLog implements AutoCloseable {

  static final String TASK_MEMORY_MANAGER = "org.apache.spark.memory.TaskMemoryManager";

  private final List<String> unreleased = new ArrayList<>();
  private long acquisitions;
  private final LoggerContext context;
  private final AbstractAppender appender;

  private LeakLog() {
    context = (LoggerContext) LogManager.getContext(false);
    appender =
        new AbstractAppender("edge-leak-log", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            record(event.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    Configuration config = context.getConfiguration();
    config.addAppender(appender);
    // not additive: the DEBUG lines go only here, not to target/unit-tests.log
    LoggerConfig logger = new LoggerConfig(TASK_MEMORY_MANAGER, Level.DEBUG, false);
    logger.addAppender(appender, Level.DEBUG, null);
    config.addLogger(TASK_MEMORY_MANAGER, logger);
    context.updateLoggers();
  }

  /** Starts capturing; close to stop. */
  static LeakLog capture() {
    return new LeakLog();
  }

  private synchronized void record(String message) {
    if (message.startsWith("unreleased")) {
      unreleased.add(message);
    } else if (message.contains(" acquired ")) {
      acquisitions++;
    }
  }

  /** The "unreleased ..." lines seen so far: memory some task did not free itself. */
  synchronized List<String> unreleased() {
    return new ArrayList<>(unreleased);
  }

  /** Memory acquisitions seen so far (the proof that DEBUG lines arrive). */
  synchronized long acquisitions() {
    return acquisitions;
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    config.removeLogger(TASK_MEMORY_MANAGER);
    context.updateLoggers();
    appender.stop();
  }
}
