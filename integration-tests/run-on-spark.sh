#!/usr/bin/env bash
#
# Copyright 2026 The Spillway Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
#

# Runs the plugin jar that is already built (spark-plugin/target/spillway-spark_2.13-VERSION.jar,
# compiled against the primary Spark line; never rebuilt here) on another Spark line: this module
# is compiled against that Spark and runs Spark's own ShuffleSuite and SortShuffleSuite (our
# subclasses in io.spillway.it.suites), the parity tests, the local-cluster test, SparkLineTest,
# IndeterminateRollbackTest and its negative control ZeroChecksumNegativeControlTest (skipped
# before 4.1).
# Then prints one line "spark-SPARK_VERSION: N passed, N failed, N skipped".
#
#   integration-tests/run-on-spark.sh SPARK_VERSION [PLUGIN_JAR]
#
# Exit code: 0 when the build passed and every test passed. A failing JUnit test does not stop
# the ScalaTest suites (maven.test.failure.ignore), so the line's counts are always complete.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spark_version="${1:?usage: run-on-spark.sh SPARK_VERSION [PLUGIN_JAR]}"
jar="${2:-}"
if [ -z "$jar" ]; then
  jar="$(find "$root/spark-plugin/target" -maxdepth 1 -name 'spillway-spark_2.13-*.jar' \
    ! -name '*-sources.jar' ! -name '*-javadoc.jar' | head -1)"
fi
if [ ! -f "$jar" ]; then
  echo "run-on-spark.sh: no plugin jar (build it first: mvn -B package)" >&2
  echo "spark-$spark_version: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
cd "$root"
status=0
mvn -B -pl integration-tests clean verify \
  -Dspark.version="$spark_version" -Dspillway.jar="$jar" \
  -DskipJarSuites -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmaven.test.failure.ignore=true \
  -Dtest='ShuffleParityTest,SqlParityTest,LocalClusterShuffleTest,SparkLineTest,IndeterminateRollbackTest,ZeroChecksumNegativeControlTest' \
  -Dsuites='io.spillway.it.suites.SpillwayShuffleSuite,io.spillway.it.suites.SpillwaySortShuffleSuite' \
  || status=$?
summary="$("$root/integration-tests/print-test-summary.sh" "$root/integration-tests")" || status=1
echo "$summary" | sed '$d'
echo "spark-$spark_version: $(echo "$summary" | tail -1)"
exit "$status"
