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
package io.spillway.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark release number as {@code org.apache.spark.SPARK_VERSION} spells it: {@code
 * major.minor.patch}, optionally followed by a qualifier ({@code 4.2.0-SNAPSHOT}, {@code
 * 4.1.0-preview1}), which is ignored. Lines (major.minor) are what the bridge compares.
 */
public record SparkVersion(int major, int minor, int patch) {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?([-+.].*)?");

  /** @throws IllegalArgumentException naming the text when it is not a Spark version */
  public static SparkVersion parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a Spark version (major.minor.patch)");
    }
    return new SparkVersion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  /** Compares lines only: 4.1.0 and 4.1.3 are on the same line. */
  public int compareLine(SparkVersion other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  /** {@code 4.1} */
  public String line() {
    return major + "." + minor;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
