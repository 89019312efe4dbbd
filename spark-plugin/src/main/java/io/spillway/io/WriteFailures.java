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
    if (failure instanceof InterruptedIOException
        || failure instanceof ClosedByInterruptException) {
      return failure;
    }
    String message = failure.getMessage();
    if (message != null && message.contains(where)) {
      return failure;
    }
    return new IOException("Cannot write " + where + ": " + message, failure);
  }
}
