/**
 * The map side: {@code SpillwayShuffleWriter} partitions a task's records into one of two buffers
 * (serialized pages or objects), spills when memory runs short, and commits Spark's map output.
 */
package io.spillway.write;
