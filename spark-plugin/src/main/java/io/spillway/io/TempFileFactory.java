package io.spillway.io;

import java.io.IOException;

/**
 * Creates temporary files: Spark's local directories inside a task, a JUnit temp directory in
 * tests.
 *
 * @param <T> what describes a created file (the file plus whatever its writer needs)
 */
@FunctionalInterface
public interface TempFileFactory<T extends TempFile> {
  /** A new file that does not exist yet or is empty; the caller owns it and must delete it. */
  T create() throws IOException;
}
