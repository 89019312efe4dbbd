/**
 * Combiners with bounded memory, after PySpark: the hash-partitioning {@code ExternalMerger}, the
 * {@code ExternalGroupBy} and its spillable {@code ExternalList}, and the map-side combiner.
 */
package io.spillway.combine;
