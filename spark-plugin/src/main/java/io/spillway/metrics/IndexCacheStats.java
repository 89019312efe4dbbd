package io.spillway.metrics;

/** What an executor's index cache reports ({@code spark.spillway.read.indexCacheSize}). */
public interface IndexCacheStats {
  /** Map outputs whose index is cached now. */
  long cachedOutputs();

  /** Bytes the cached indexes take now. */
  long cachedBytes();

  /** Most bytes the cache may hold (0: the cache is off). */
  long maxBytes();

  /** Blocks served from a cached index since the executor started. */
  long hits();

  /** Blocks whose index had to be read from its file since the executor started. */
  long misses();
}
