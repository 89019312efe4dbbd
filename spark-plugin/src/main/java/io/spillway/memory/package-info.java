/**
 * Memory from Spark's {@code TaskMemoryManager}: the one memory consumer, byte reservations for
 * heap structures, and their size estimates. A leaf: nothing else of Spillway is used here.
 */
package io.spillway.memory;
