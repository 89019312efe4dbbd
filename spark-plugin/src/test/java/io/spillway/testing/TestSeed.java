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
    StackWalker.StackFrame caller = StackWalker.getInstance()
        .walk(frames -> frames.skip(1).findFirst().orElseThrow());
    System.out.println(caller.getClassName() + "#" + caller.getMethodName() + ": seed " + seed
        + " (replay with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }
}
