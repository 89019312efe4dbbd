package io.spillway.sort;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Close-all helpers that never hide the first failure: later failures are attached to the first
 * with {@link Throwable#addSuppressed}. Errors ({@link OutOfMemoryError}...) are never swallowed.
 */
public final class Closeables {

  private Closeables() {}

  /** A cleanup step that may fail. */
  @FunctionalInterface
  public interface Cleanup {
    void run() throws Exception;
  }

  /**
   * Runs every step, even after one fails, then throws the first failure (as an unchecked
   * exception if it was checked) with the others suppressed. {@code primary}, when not null, is
   * a failure already in flight: cleanup failures are attached to it and nothing is thrown.
   */
  public static void runAll(Throwable primary, Cleanup... steps) {
    Throwable first = primary;
    for (Cleanup step : steps) {
      if (step == null) {
        continue;
      }
      try {
        step.run();
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        } else if (first != t) {
          first.addSuppressed(t);
        }
      }
    }
    if (primary == null && first != null) {
      throw propagate(first);
    }
  }

  private static RuntimeException propagate(Throwable t) {
    if (t instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (t instanceof Error error) {
      throw error;
    }
    if (t instanceof IOException io) {
      throw new UncheckedIOException("cleanup failed: " + io.getMessage(), io);
    }
    throw new IllegalStateException("cleanup failed: " + t.getMessage(), t);
  }
}
