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
package io.spillway.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Closing helpers that never hide the first failure: every resource is closed (every cleanup step
 * run), the first exception wins and later ones are attached to it with {@link
 * Throwable#addSuppressed}. Errors ({@link OutOfMemoryError}...) are never swallowed.
 */
public final class Closeables {
  private Closeables() {}

  /** A cleanup step that may fail. */
  @FunctionalInterface
  public interface Cleanup {
    void run() throws Exception;
  }

  /**
   * Runs every non-null step, even after one fails, then throws the first failure (as an
   * unchecked exception if it was checked) with the others suppressed. {@code primary}, when not
   * null, is a failure already in flight: cleanup failures are attached to it and nothing is
   * thrown.
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
      throw unchecked(first);
    }
  }

  private static RuntimeException unchecked(Throwable t) {
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

  /** Closes every non-null resource; throws the first failure with the others suppressed. */
  public static void closeAll(Iterable<? extends Closeable> resources) throws IOException {
    Throwable first = null;
    for (Closeable resource : resources) {
      first = closeCollecting(resource, first);
    }
    rethrow(first);
  }

  /** Closes every non-null resource; throws the first failure with the others suppressed. */
  public static void closeAll(Closeable... resources) throws IOException {
    closeAll(java.util.Arrays.asList(resources));
  }

  /**
   * Closes {@code resource} while another failure is already propagating: a failure to close is
   * attached to {@code primary} instead of replacing it.
   */
  public static void closeWhileFailing(Closeable resource, Throwable primary) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Throwable t) {
      if (t != primary) {
        primary.addSuppressed(t);
      }
    }
  }

  private static Throwable closeCollecting(Closeable resource, Throwable first) {
    if (resource == null) {
      return first;
    }
    try {
      resource.close();
    } catch (Throwable t) {
      if (first == null) {
        return t;
      }
      first.addSuppressed(t);
    }
    return first;
  }

  private static void rethrow(Throwable failure) throws IOException {
    if (failure == null) {
      return;
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    throw new UncheckedIOException(new IOException(failure));
  }
}
