package io.spillway.io;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Write errors that say where they happened. The JDK reports a full disk as a bare
 * {@code IOException: No space left on device}; on an executor with several local directories
 * (disks) that does not tell which one filled up. Spillway names the file instead:
 *
 * <pre>
 *   java.io.IOException: Cannot write /data3/spark/blockmgr-.../0c/temp_shuffle_...: No space left on device
 * </pre>
 *
 * with the JDK's exception as the cause.
 */
public final class WriteFailures {
  private WriteFailures() {}

  /** {@link #naming(IOException, String)} with the file's path. */
  public static IOException naming(IOException failure, File file) {
    return naming(failure, file.getPath());
  }

  /**
   * {@code failure} with {@code where} in its message, or {@code failure} itself when it already
   * names {@code where} or is an interruption (a killed task: Spark tells those apart by type).
   */
  public static IOException naming(IOException failure, String where) {
    if (failure instanceof InterruptedIOException || failure instanceof ClosedByInterruptException) {
      return failure;
    }
    String message = failure.getMessage();
    if (message != null && message.contains(where)) {
      return failure;
    }
    return new IOException("Cannot write " + where + ": " + message, failure);
  }
}
