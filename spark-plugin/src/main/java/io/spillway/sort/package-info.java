/**
 * The reduce side's {@code ExternalSorter}: sorted runs spilled to disk and merged k ways, with
 * 64-bit key prefixes for natural orderings of String, Long and Integer keys.
 */
package io.spillway.sort;
