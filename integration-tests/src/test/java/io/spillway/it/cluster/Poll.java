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
  public static <T> T until(
      String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + "\n"
                + diagnostics.get());
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
