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
package io.spillway.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spillway.it.ItConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Tuple2;

/**
 * Stage rollback of an indeterminate stage on a {@code local-cluster} with two executors (the
 * scenario is {@link RollbackScenario}): an indeterminate shuffle of input whose order really
 * changes when it is recomputed (a {@code reduceByKey} output, shuffled in each task with its task
 * attempt id as the seed) is read by a map stage that loses an executor ({@code kill -9}) after
 * its first tasks finished, while later ones wait. The surviving readers hit a fetch failure;
 * because the shuffle is indeterminate, Spark must rerun all of its map tasks and every task that
 * read it, not only the lost outputs (a partial rerun deals the records over a different order, so
 * some are read twice and some never). Each case asserts the result equals the driver-side oracle,
 * that a fetch failure and a resubmitted map stage happened, and that the reader that had finished
 * before the kill and survived it read its input again (it was rolled back).
 *
 * <ul>
 *   <li>RDD {@code repartition(6)}, summed by an RDD {@code reduceByKey}: the RDD is statically
 *       indeterminate.
 *   <li>SQL {@code repartition(6)} (round-robin, {@code spark.sql.execution.sortBeforeRepartition}
 *       off, so the deal depends on the input order), summed by a SQL aggregate, with the
 *       order-independent row checksums on (Spark 4.1 and 4.2's default): Spark then skips the
 *       static rollback of both the repartition and the aggregate's exchange, and rolls back the
 *       readers only when a rerun map task reports a checksum different from its first attempt's.
 *       So the checksum Spillway puts in each {@code MapStatus} is what keeps the answer right;
 *       {@link ZeroChecksumNegativeControlTest} runs this case with a writer that reports 0 and
 *       gets a wrong answer. The downstream must be SQL: an RDD stage that reads an indeterminate
 *       RDD is rolled back by the static rule when it is resubmitted (its own shuffle has no
 *       checksum retry), which would make this case pass whatever the checksum. (On 4.0, which has
 *       no row checksums, the settings do nothing and the static rollback applies.)
 *   <li>The same with the checksum settings off: the static rollback again.
 *   <li>{@code zipWithIndex} after the RDD repartition, shuffled by index: indices are given in
 *       partition order, so a recomputed partition gives its values other indices, and a partial
 *       rerun would give some values two indices and some none. Spark classifies {@code
 *       zipWithIndex} by its input (it does not mark itself order-sensitive), so its stage is
 *       indeterminate here because its input is the repartition; after an unordered {@code
 *       reduceByKey} alone it would be UNORDERED and not rolled back, with any shuffle manager.
 *       The oracle: every index 0..n-1 once, and the values exactly the input's.
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IndeterminateRollbackTest {
  private static RollbackScenario scenario;

  @BeforeAll
  static void startCluster() {
    scenario = new RollbackScenario("indeterminate-rollback", ItConfig.managerUnderTest());
  }

  @AfterAll
  static void stopCluster() {
    if (scenario != null) {
      scenario.close();
    }
  }

  @BeforeEach
  void twoLiveExecutors() {
    scenario.beforeCase();
  }

  @Test
  void repartitionOfUnorderedInputIsRolledBackAfterAnExecutorLoss() throws Exception {
    RollbackScenario.Outcome<List<Tuple2<Long, Long>>> outcome =
        scenario.readWhileAnExecutorDies(
            scenario.unorderedInput().repartition(6), RollbackScenario::rddSumsByBucket);
    assertEquals(
        RollbackScenario.oracle(),
        RollbackScenario.asMap(outcome.result()),
        "sums after an executor was lost while the indeterminate repartition was read");
    RollbackScenario.assertRolledBack(outcome);
  }

  @ParameterizedTest(name = "row checksums {0}")
  @ValueSource(booleans = {true, false})
  void sqlRepartitionOfUnorderedInputIsRolledBackAfterAnExecutorLoss(boolean rowChecksums)
      throws Exception {
    SparkSession spark = scenario.sqlSession(rowChecksums);
    RollbackScenario.Outcome<List<Tuple2<Long, Long>>> outcome =
        scenario.readWhileAnExecutorDies(
            scenario.sqlRepartition(spark), read -> RollbackScenario.sqlSumsByBucket(spark, read));
    assertEquals(
        RollbackScenario.oracle(),
        RollbackScenario.asMap(outcome.result()),
        "sums after an executor was lost while the"
            + " indeterminate SQL repartition was read (row checksums "
            + rowChecksums
            + ")");
    RollbackScenario.assertRolledBack(outcome);
  }

  @Test
  void zipWithIndexAfterAShuffleIsRolledBackAfterAnExecutorLoss() throws Exception {
    // (index, value), shuffled by index: what a reader of partition p reads depends on the indices
    JavaRDD<Tuple2<Long, Long>> byIndex =
        scenario
            .unorderedInput()
            .repartition(6)
            .zipWithIndex()
            .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
            .partitionBy(new HashPartitioner(6))
            .map(t -> t);
    RollbackScenario.Outcome<List<Tuple2<Long, Long>>> outcome =
        scenario.readWhileAnExecutorDies(
            byIndex,
            read ->
                RollbackScenario.pairs(read).partitionBy(new HashPartitioner(3)).collectAsync());
    List<Long> expectedValues = RollbackScenario.oracleValues();
    List<Long> indices =
        outcome.result().stream().map(Tuple2::_1).sorted().collect(Collectors.toList());
    List<Long> values =
        outcome.result().stream().map(Tuple2::_2).sorted().collect(Collectors.toList());
    assertEquals(
        LongStream.range(0, expectedValues.size()).boxed().collect(Collectors.toList()),
        indices,
        "every index once after an executor was lost while the zipWithIndex output was read");
    assertEquals(
        expectedValues,
        values,
        "every value once after an executor was lost while the zipWithIndex output was read");
    RollbackScenario.assertRolledBack(outcome);
  }
}
