package io.spillway.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Closing helpers that never hide the first failure: every resource is closed, the first
 * exception wins and later ones are attached to it with {@link Throwable#addSuppressed}.
 */
public final class Closeables {
  private Closeables() {}

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
