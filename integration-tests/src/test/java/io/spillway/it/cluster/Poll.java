package io.spillway.it.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it, never by sleeping a guessed time: returns as soon as the
 * probe answers, and fails after a generous timeout with a message that says what was awaited and
 * where to look (the machine is shared and slow; only the timeout is a guess, and a generous one).
 */
public final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(250);

  private Poll() {}

  /**
   * Polls {@code probe} until it returns a value. {@code probe} may throw to fail at once (a
   * process that died). On timeout throws {@link AssertionError} with {@code what} and
   * {@code diagnostics}.
   */
  public static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe,
      Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for "
            + what + "\n" + diagnostics.get());
      }
      try {
        Thread.sleep(INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
