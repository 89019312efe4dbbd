/**
 * Map-side spill files: where they go, how their per-partition segments are written, the lengths
 * of the non-empty segments, and per-partition checksums.
 */
package io.spillway.write.spill;
