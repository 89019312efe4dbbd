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
package io.spillway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.TestUtils$;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * Spillway's counters (io.spillway.metrics.ShuffleCounters) reach the event log of a job on
 * {@code local-cluster[2,1,1024]}, two executor JVMs, with the values the settings imply:
 *
 * <pre>
 *   4 map tasks x 20,000 records, numElementsForceSpillThreshold 5,000, maxOpenFiles 3
 *   partitionBy (Java serialization, 4 partitions: a serialization stream per partition)
 *     a map task spills before the insert that finds 5,000 records held (records 5,001, 10,001,
 *     15,001) and once more at the end: 4 spills; 4 > 3 files, so one intermediate round of 3
 *     and a final round of 2: 2 rounds, at most 3 open; strategy "compress"
 *   reduceByKey, key = i / 2 (each key twice in a row: ratio 0.5 after the 1,000-record probe)
 *     combining stays on; the map reaches 5,000 keys twice in 20,000 records: 2 flushes a task
 *   reduceByKey, key = i (all distinct: ratio 1 > 0.8 after the probe)
 *     the probe switches combining off in every map task, no flush
 * </pre>
 *
 * The reduce side's counters depend on the combiner's memory, so they are checked for being
 * there and adding up: each stage's value (StageCompleted) is the sum (or, for the maxima, the
 * largest) of its tasks' updates (TaskEnd). The results are checked against driver-side sums.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CountersInEventLogTest {
  private static final int MAPS = 4;
  private static final int PER_MAP = 20_000;

  @Test
  void countersAreInTheEventLogOfAMultiExecutorJob(@TempDir Path eventLogDir) throws Exception {
    Assumptions.assumeFalse(ItConfig.managerUnderTestIsSparkSort(), "Spillway's counters only");
    SparkConf conf =
        new SparkConf()
            .setMaster("local-cluster[2,1,1024]")
            .setAppName("counters-in-event-log")
            .set("spark.ui.enabled", "false")
            .set("spark.unsafe.exceptionOnMemoryLeak", "true")
            .set("spark.shuffle.manager", ItConfig.managerUnderTest())
            .set("spark.executor.extraJavaOptions", ItConfig.executorJavaOptions())
            .set("spark.eventLog.enabled", "true")
            .set("spark.eventLog.dir", eventLogDir.toUri().toString())
            .set("spark.eventLog.compress", "false")
            .set("spark.shuffle.spill.numElementsForceSpillThreshold", "5000")
            .set("spark.spillway.merge.maxOpenFiles", "3")
            .set("spark.spillway.combine.probeRecords", "1000");
    int plain;
    int pairs;
    int distinct;
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      TestUtils$.MODULE$.waitUntilExecutorsUp(jsc.sc(), 2, 120_000L);
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < MAPS * PER_MAP; i++) {
        input.add(i);
      }
      long expectedSum = (long) MAPS * PER_MAP * (MAPS * PER_MAP - 1) / 2;

      JavaPairRDD<Integer, Long> partitioned =
          jsc.parallelize(input, MAPS)
              .mapToPair(i -> new Tuple2<>(i, (long) i))
              .partitionBy(new HashPartitioner(MAPS));
      assertEquals(expectedSum, partitioned.values().reduce(Long::sum));
      plain = shuffleId(partitioned);

      JavaPairRDD<Integer, Long> byPairs =
          jsc.parallelize(input, MAPS)
              .mapToPair(i -> new Tuple2<>(i / 2, (long) i))
              .reduceByKey(Long::sum, MAPS);
      assertEquals(expectedSum, byPairs.values().reduce(Long::sum));
      assertEquals(MAPS * PER_MAP / 2, byPairs.count());
      pairs = shuffleId(byPairs);

      JavaPairRDD<Integer, Long> byDistinct =
          jsc.parallelize(input, MAPS)
              .mapToPair(i -> new Tuple2<>(i, (long) i))
              .reduceByKey(Long::sum, MAPS);
      assertEquals(expectedSum, byDistinct.values().reduce(Long::sum));
      distinct = shuffleId(byDistinct);
    }

    EventLog log = EventLog.read(eventLogDir);
    System.out.println("Spillway counters in the event log: " + log.stageValues);

    assertEquals("16", log.stageValue("spillway.map.spills", plain));
    assertEquals("8", log.stageValue("spillway.map.mergeRounds", plain));
    assertEquals("3", log.stageValue("spillway.map.mostSpillFilesOpen", plain));
    assertEquals("{compress=4}", log.stageValue("spillway.map.mergeStrategies", plain));
    assertEquals(List.of("4", "4", "4", "4"), log.taskUpdates("spillway.map.spills", plain));
    assertTrue(
        log.executorsOfTasksUpdating("spillway.map.spills", plain).size() >= 2,
        "map tasks ran on two executors: "
            + log.executorsOfTasksUpdating("spillway.map.spills", plain));

    assertEquals("8", log.stageValue("spillway.mapCombine.flushes", pairs));
    assertEquals("0", log.stageValue("spillway.mapCombine.switchedOff", pairs));
    assertEquals("0", log.stageValue("spillway.mapCombine.flushes", distinct));
    assertEquals("4", log.stageValue("spillway.mapCombine.switchedOff", distinct));

    for (int shuffle : new int[] {pairs, distinct}) {
      long spills = Long.parseLong(log.stageValue("spillway.reduceCombine.spills", shuffle));
      assertTrue(spills > 0, "20,000 keys a reducer, a forced spill every 5,000: " + spills);
      assertEquals(
          spills,
          log.taskUpdates("spillway.reduceCombine.spills", shuffle).stream()
              .mapToLong(Long::parseLong)
              .sum());
      long depth = Long.parseLong(log.stageValue("spillway.reduceCombine.recursionDepth", shuffle));
      assertTrue(depth >= 1, "the reducers spilled, so at least level 1: " + depth);
      assertEquals(
          depth,
          log.taskUpdates("spillway.reduceCombine.recursionDepth", shuffle).stream()
              .mapToLong(Long::parseLong)
              .max()
              .orElse(-1));
    }
  }

  private static int shuffleId(JavaPairRDD<?, ?> shuffled) {
    return ((ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head()).shuffleId();
  }

  /** The Spillway accumulables of one event log file (JSON lines). */
  static final class EventLog {
    /** Accumulator name -> its value when its last stage completed. */
    final Map<String, String> stageValues = new HashMap<>();

    /** Accumulator name -> every task's update, in event order. */
    final Map<String, List<String>> taskUpdates = new HashMap<>();

    /** Accumulator name -> executors whose tasks updated it. */
    final Map<String, Set<String>> executors = new HashMap<>();

    static EventLog read(Path dir) throws IOException {
      // Spark 4 rolls event logs by default: a directory eventlog_v2_<app> holding
      // events_<n>_<app> files and an appstatus marker (their .crc files next to them);
      // without rolling, one file
      List<Path> files;
      try (Stream<Path> walked = Files.walk(dir)) {
        files =
            walked
                .filter(Files::isRegularFile)
                .filter(f -> !f.getFileName().toString().startsWith("appstatus"))
                .filter(f -> !f.getFileName().toString().startsWith(".")) // Hadoop's .crc files
                .sorted()
                .toList();
      }
      assertTrue(!files.isEmpty(), "an event log under " + dir);
      EventLog log = new EventLog();
      ObjectMapper json = new ObjectMapper();
      List<String> lines = new ArrayList<>();
      for (Path file : files) {
        lines.addAll(Files.readAllLines(file));
      }
      for (String line : lines) {
        JsonNode event = json.readTree(line);
        String type = event.path("Event").asText();
        if (type.equals("SparkListenerTaskEnd")) {
          JsonNode info = event.path("Task Info");
          for (JsonNode accumulable : info.path("Accumulables")) {
            String name = accumulable.path("Name").asText();
            if (name.startsWith("spillway.")) {
              log.taskUpdates
                  .computeIfAbsent(name, n -> new ArrayList<>())
                  .add(accumulable.path("Update").asText());
              log.executors
                  .computeIfAbsent(name, n -> new TreeSet<>())
                  .add(info.path("Executor ID").asText());
            }
          }
        } else if (type.equals("SparkListenerStageCompleted")) {
          for (JsonNode accumulable : event.path("Stage Info").path("Accumulables")) {
            String name = accumulable.path("Name").asText();
            if (name.startsWith("spillway.")) {
              log.stageValues.put(name, accumulable.path("Value").asText());
            }
          }
        }
      }
      return log;
    }

    String stageValue(String counter, int shuffleId) {
      String name = counter + " (shuffle " + shuffleId + ")";
      String value = stageValues.get(name);
      assertTrue(value != null, name + " in no StageCompleted event: " + stageValues.keySet());
      return value;
    }

    List<String> taskUpdates(String counter, int shuffleId) {
      return taskUpdates.getOrDefault(counter + " (shuffle " + shuffleId + ")", List.of());
    }

    Set<String> executorsOfTasksUpdating(String counter, int shuffleId) {
      return executors.getOrDefault(counter + " (shuffle " + shuffleId + ")", Set.of());
    }
  }
}
