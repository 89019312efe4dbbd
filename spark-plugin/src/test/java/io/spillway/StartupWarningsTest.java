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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * What the manager says on a real local SparkContext: the start-up line lists every setting, a
 * misspelled key logs one WARN naming the nearest real key, and a forced merge strategy that
 * cannot apply to object-path shuffles logs one WARN for the first such shuffle only.
 */
class StartupWarningsTest {

  @Test
  void mistakesAreLoggedOnceEach() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[1]")
            .setAppName("startup-warnings")
            .set("spark.shuffle.manager", SpillwayShuffleManager.class.getName())
            .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer")
            .set("spark.spillway.merge.maxOpenFile", "8")
            .set("spark.spillway.merge.strategy", "fileStream")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.ui.enabled", "false");
    List<String> warnings;
    List<String> infos;
    try (Captured log = Captured.of(SpillwayShuffleManager.class)) {
      try (JavaSparkContext sc = new JavaSparkContext(conf)) {
        for (int shuffle = 0; shuffle < 2; shuffle++) {
          long keys =
              sc.parallelize(Arrays.asList(1, 2, 3, 4, 5, 6), 2)
                  .mapToPair(i -> new Tuple2<>(i % 3, i))
                  .reduceByKey(Integer::sum, 2)
                  .count();
          assertEquals(3, keys);
        }
      }
      warnings = log.messages(Level.WARN);
      infos = log.messages(Level.INFO);
    }
    assertEquals(2, warnings.size(), warnings.toString());
    assertEquals(
        "Unknown setting spark.spillway.merge.maxOpenFile is ignored; the nearest"
            + " Spillway setting is spark.spillway.merge.maxOpenFiles",
        warnings.get(0));
    assertTrue(
        warnings
            .get(1)
            .startsWith(
                "spark.spillway.merge.strategy=fileStream cannot apply"
                    + " to shuffle 0 (JavaSerializer cannot relocate serialized records)"),
        warnings.get(1));
    String started =
        infos.stream()
            .filter(
                m -> m.startsWith("Spillway ") && m.contains(" shuffle manager started on Spark "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no start-up line in " + infos));
    assertTrue(started.contains("spark.spillway.merge.strategy=fileStream (set)"), started);
    assertTrue(started.contains("spark.spillway.read.indexCacheSize=32m"), started);
  }

  /** Log events of one logger, kept in memory while open. */
  static final class Captured extends AbstractAppender implements AutoCloseable {
    private final Logger logger;
    private final List<LogEvent> events = new ArrayList<>();

    private Captured(Logger logger) {
      super("captured-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY);
      this.logger = logger;
    }

    static Captured of(Class<?> type) {
      Logger logger = (Logger) LogManager.getLogger(type);
      Captured captured = new Captured(logger);
      captured.start();
      logger.addAppender(captured);
      return captured;
    }

    @Override
    public synchronized void append(LogEvent event) {
      events.add(event.toImmutable());
    }

    synchronized List<String> messages(Level level) {
      return events.stream()
          .filter(e -> e.getLevel() == level)
          .map(e -> e.getMessage().getFormattedMessage())
          .toList();
    }

    @Override
    public void close() {
      logger.removeAppender(this);
      stop();
    }
  }
}
