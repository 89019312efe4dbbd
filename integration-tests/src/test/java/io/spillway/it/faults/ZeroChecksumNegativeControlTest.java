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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spillway.spark.SparkVersion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.Tuple2;

/**
 * The negative control of {@link IndeterminateRollbackTest}'s SQL case with the row checksums on:
 * the same scenario on {@link ZeroChecksumShuffleManager}, Spillway with every {@code MapStatus}
 * checksum 0. Spark 4.1 and 4.2 then see no mismatch when the lost map tasks of the repartition
 * are rerun and deal their records differently, roll nothing back, and the reader that had
 * finished before the kill keeps what it read of the first deal: the sums come out wrong. That the
 * positive case gets them right therefore rests on the checksums Spillway reports, not on the test
 * being unable to fail. Spark 4.0 has no row checksums (it rolls back statically): skipped there.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ZeroChecksumNegativeControlTest {
  private static RollbackScenario scenario;

  @AfterAll
  static void stopCluster() {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void sqlRepartitionWithZeroChecksumsIsNotRolledBackAndComesOutWrong() throws Exception {
    // here rather than in @BeforeAll, so that Spark 4.0 reports the case as skipped
    assumeTrue(
        SparkVersion.parse(org.apache.spark.package$.MODULE$.SPARK_VERSION())
                .compareLine(new SparkVersion(4, 1, 0))
            >= 0,
        "row checksums exist from Spark 4.1");
    scenario =
        new RollbackScenario(
            "zero-checksum-negative-control", ZeroChecksumShuffleManager.class.getName());
    scenario.beforeCase();
    SparkSession spark = scenario.sqlSession(true);
    RollbackScenario.Outcome<List<Tuple2<Long, Long>>> outcome =
        scenario.readWhileAnExecutorDies(
            scenario.sqlRepartition(spark), read -> RollbackScenario.sqlSumsByBucket(spark, read));
    RollbackScenario.assertRerun(outcome);
    assertFalse(
        outcome.survivorsReadAgain(),
        () ->
            "with checksum 0 Spark cannot see that the rerun dealt differently, so the finished"
                + " readers that survived must not be rolled back: "
                + outcome.describe());
    assertNotEquals(
        RollbackScenario.oracle(),
        RollbackScenario.asMap(outcome.result()),
        "with checksum 0 and no rollback, the surviving reader's first deal must make the sums"
            + " wrong");
  }
}
