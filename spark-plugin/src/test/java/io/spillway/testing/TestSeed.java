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
package io.spillway.testing;

import java.util.SplittableRandom;

/**
 * Seeds of randomized tests that a failure can replay: each seed is printed with the test that
 * drew it, and {@code -Dspillway.test.seed=N} makes every test draw {@code N} instead, e.g.
 *
 * <pre>
 *   mvn -B -pl spark-plugin test -Dtest='ExternalMergerTest#mergesLikeAHashMap' -Dspillway.test.seed=-42
 * </pre>
 */
public final class TestSeed {
  /** The system property that fixes the seed. */
  public static final String PROPERTY = "spillway.test.seed";

  private static final SplittableRandom SEEDS = new SplittableRandom();

  private TestSeed() {}

  /** A fresh seed, or the one {@value #PROPERTY} gives; printed either way. */
  public static long next() {
    String fixed = System.getProperty(PROPERTY);
    long seed;
    synchronized (SEEDS) {
      seed = fixed == null || fixed.isBlank() ? SEEDS.nextLong() : Long.parseLong(fixed.trim());
    }
    StackWalker.StackFrame caller =
        StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst().orElseThrow());
    System.out.println(
        caller.getClassName()
            + "#"
            + caller.getMethodName()
            + ": seed "
            + seed
            + " (replay with -D"
            + PROPERTY
            + "="
            + seed
            + ")");
    return seed;
  }
}
