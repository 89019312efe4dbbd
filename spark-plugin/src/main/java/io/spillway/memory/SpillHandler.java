package io.spillway.memory;

import java.io.IOException;

/** What a {@link TaskMemoryConsumer} does when Spark's memory manager asks it to spill. */
@FunctionalInterface
public interface SpillHandler {
  /**
   * Frees memory by writing state to disk. Must not allocate memory (it runs while the task's
   * memory manager is choosing whom to spill).
   *
   * @param requestedBytes how much the memory manager would like back
   * @param requestedByItself whether the consumer asked for the memory itself (rather than
   *     another consumer of the task)
   * @return the bytes actually freed, 0 when nothing could be spilled now
   */
  long spill(long requestedBytes, boolean requestedByItself) throws IOException;
}
