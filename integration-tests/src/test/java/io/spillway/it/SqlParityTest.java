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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SQL groupBy + shuffle join + orderBy with adaptive execution on and broadcast joins off gives
 * the same rows, in the same order, on the manager under test as on Spark's sort shuffle.
 * SQL shuffles rows with UnsafeRowSerializer whatever spark.serializer says; the parameter still
 * matters for everything else Spark serializes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SqlParityTest {

  private static List<String> strings(Dataset<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      out.add(row.toString());
    }
    return out;
  }

  private static final Function<SparkSession, List<List<String>>> JOB =
      spark -> {
        Dataset<Row> facts =
            spark
                .range(0, 100_000, 1, 4)
                .selectExpr(
                    "id",
                    "CAST(pmod(hash(id, 17), 5000) AS INT) AS k",
                    "CAST(pmod(hash(id, 29), 1000) AS INT) AS v");
        Dataset<Row> dim =
            spark
                .range(0, 5_000, 1, 2)
                .selectExpr(
                    "CAST(id AS INT) AS k",
                    "concat('group-', CAST(pmod(hash(id, 5), 97) AS STRING)) AS g");

        // groupBy -> shuffle join -> groupBy -> orderBy (g is unique after the last groupBy)
        Dataset<Row> perGroup =
            facts
                .groupBy("k")
                .agg(count("*").as("n"), sum("v").as("sv"))
                .join(dim, "k")
                .groupBy("g")
                .agg(
                    sum("n").as("n"),
                    sum("sv").as("sv"),
                    countDistinct("k").as("keys"),
                    max("sv").as("max_sv"))
                .orderBy("g");
        List<String> groups = strings(perGroup);
        String plan = perGroup.queryExecution().executedPlan().toString();
        assertTrue(plan.contains("AdaptiveSparkPlan isFinalPlan=true"), plan);
        assertTrue(plan.contains("SortMergeJoin") || plan.contains("ShuffledHashJoin"), plan);
        assertFalse(plan.contains("Broadcast"), plan);
        assertEquals(97, groups.size());

        // a row-level shuffle join, ordered by a unique column
        Dataset<Row> rows =
            facts.join(dim, "k").select("id", "k", "v", "g").orderBy(col("id").desc());
        List<String> joined = strings(rows);
        assertEquals(100_000, joined.size());
        return List.of(groups, joined);
      };

  @ParameterizedTest
  @ValueSource(strings = {ParityHarness.JAVA_SERIALIZER, ParityHarness.KRYO_SERIALIZER})
  void groupByJoinOrderByWithAdaptiveExecution(String serializer) {
    ParityHarness.Run<List<List<String>>> reference =
        ParityHarness.runSql("sort", serializer, "sql-sort", JOB);
    ParityHarness.Run<List<List<String>>> underTest =
        ParityHarness.runSql(ItConfig.managerUnderTest(), serializer, "sql-under-test", JOB);
    ParityHarness.assertParity(reference, underTest);
  }
}
