/**
 * Every contact with Spark internals: Spark's private classes and config entries, implementation
 * classes Spillway extends or calls, reflection and class-name heuristics, each tested here.
 */
package io.spillway.spark;
