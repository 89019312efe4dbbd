/**
 * Merging a map task's spill files into its map output, partition by partition, with a bounded
 * number of open files (transferTo, buffered streams, decompress-and-recompress).
 */
package io.spillway.write.merge;
