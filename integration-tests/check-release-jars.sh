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

# Builds what a Maven Central upload of spillway-spark_2.13 needs (mvn -Prelease: jar, sources,
# javadoc; signing off) and opens the jars: LICENSE and NOTICE inside, the manifest's
# Implementation-Title/-Version, the pom's licence, scm, url and developers. If the plugin jar was
# built before (by `mvn verify`), the release build must reproduce it byte for byte
# (project.build.outputTimestamp). Prints "release-jars: N passed, N failed".
#
#   integration-tests/check-release-jars.sh
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
name="spillway-spark_2.13-$version"
jar="spark-plugin/target/$name.jar"
before=""
[ -f "$jar" ] && before="$(sha256sum < "$jar")"

passed=0
failed=0
check() { # description, command...
  local what="$1"; shift
  if "$@" > /dev/null 2>&1; then
    passed=$((passed + 1)); echo "  ok: $what"
  else
    failed=$((failed + 1)); echo "  FAILED: $what"
  fi
}
# grep without -q: under pipefail, a grep -q that exits at its first match makes the writer
# before it die of SIGPIPE, and the check fail although the entry is there
has_entry() { unzip -l "$1" | awk '{print $4}' | grep -x "$2"; }
manifest_has() { unzip -p "$1" META-INF/MANIFEST.MF | tr -d '\r' | grep -x "$2"; }
same_as() { unzip -p "$1" "$2" | cmp -s - "$3"; }

mvn -B -Prelease -pl spark-plugin -am package -DskipTests
check "mvn -B -Prelease package" test $? -eq 0
for kind in "" -sources -javadoc; do
  check "$name$kind.jar exists" test -f "spark-plugin/target/$name$kind.jar"
done
for kind in "" -sources; do
  check "$name$kind.jar has META-INF/LICENSE (the root LICENSE)" \
    same_as "spark-plugin/target/$name$kind.jar" META-INF/LICENSE LICENSE
  check "$name$kind.jar has META-INF/NOTICE (the root NOTICE)" \
    same_as "spark-plugin/target/$name$kind.jar" META-INF/NOTICE NOTICE
done
check "manifest Implementation-Title" manifest_has "$jar" "Implementation-Title: Spillway Spark plugin"
check "manifest Implementation-Version: $version" manifest_has "$jar" "Implementation-Version: $version"
check "jar holds the manager and the version bridge" \
  bash -c "unzip -l '$jar' | grep io/spillway/SpillwayShuffleManager.class \
    && unzip -l '$jar' | grep io/spillway/spark/SparkVersionBridge.class"
check "sources jar holds the sources" has_entry "spark-plugin/target/$name-sources.jar" \
  io/spillway/SpillwayShuffleManager.java
check "javadoc jar holds index.html" has_entry "spark-plugin/target/$name-javadoc.jar" index.html
for element in "<licenses>" "<scm>" "<url>" "<developers>" "<description>"; do
  check "pom.xml declares $element" grep -q "$element" pom.xml
done
if [ -n "$before" ]; then
  check "the release build reproduces the tested jar byte for byte" \
    test "$before" = "$(sha256sum < "$jar")"
fi
echo "release-jars: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
