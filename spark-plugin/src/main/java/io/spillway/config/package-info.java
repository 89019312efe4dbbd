/**
 * Typed {@code spark.spillway.*} settings: key, default, unit, allowed values and doc, read once
 * and validated at start-up with a message naming key, value and what is allowed. A leaf.
 */
package io.spillway.config;
