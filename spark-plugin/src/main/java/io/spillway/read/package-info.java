/**
 * The reduce side: {@code SpillwayShuffleReader} fetches blocks with Spark's fetcher, decodes and
 * deserializes them, then aggregates, groups or sorts them with the combiners.
 */
package io.spillway.read;
