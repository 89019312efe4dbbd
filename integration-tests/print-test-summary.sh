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

# Prints one plain line "N passed, N failed, N skipped" for the whole build, counted from the JUnit
# XML reports of surefire (target/surefire-reports/TEST-*.xml), failsafe's integration tests
# (target/failsafe-reports/TEST-*.xml) and ScalaTest (target/scalatest-reports/TEST-*.xml) in
# every module under ROOT, and before it one line per suite with its counts and time. ScalaTest's own "Tests: succeeded N" is not a format CI reads.
#
#   integration-tests/print-test-summary.sh [ROOT]      # ROOT defaults to the repository root
#
# Reports survive between builds: run it after a `clean` build, or the counts include old suites.
# Exit code: 0 if nothing failed, 1 if a test failed or errored, 2 if no report was found.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

mapfile -t reports < <(find "$root" -type f -name 'TEST-*.xml' \
  \( -path '*/target/surefire-reports/*' -o -path '*/target/failsafe-reports/*' \
     -o -path '*/target/scalatest-reports/*' \) | sort)

if [ "${#reports[@]}" -eq 0 ]; then
  echo "0 passed, 0 failed (no test reports under $root)"
  exit 2
fi

python3 - "$root" "${reports[@]}" <<'PY'
import sys, os
import xml.etree.ElementTree as ET

root, paths = sys.argv[1], sys.argv[2:]
passed = failed = skipped = 0
for path in paths:
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:   # a half-written report counts as a failure, loudly
        print(f"  UNREADABLE {os.path.relpath(path, root)}: {e}")
        failed += 1
        continue
    suites = [tree.getroot()] if tree.getroot().tag == "testsuite" else tree.getroot().iter("testsuite")
    for suite in suites:
        p = f = s = 0
        for case in suite.iter("testcase"):
            tags = {child.tag for child in case}
            if tags & {"failure", "error"}:
                f += 1
            elif "skipped" in tags:
                s += 1
            else:
                p += 1
        # an aborted suite can report its error only in the suite's attributes
        declared = int(suite.get("failures") or 0) + int(suite.get("errors") or 0)
        f = max(f, declared)
        passed, failed, skipped = passed + p, failed + f, skipped + s
        if p + f + s == 0:
            continue  # ScalaTest's DiscoverySuite wrapper report holds no test cases
        kind = ("scalatest" if "scalatest-reports" in path
                else "failsafe" if "failsafe-reports" in path else "junit")
        time = float(suite.get("time") or 0)
        print(f"  {suite.get('name')} [{kind}]: {p} passed, {f} failed, {s} skipped, {time:.1f} s")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
