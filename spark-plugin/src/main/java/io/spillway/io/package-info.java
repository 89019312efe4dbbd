/**
 * Small stream, channel and temporary-file helpers that every side uses: buffered segment reads,
 * write errors that name the file, cleanup that never hides the first failure. A leaf.
 */
package io.spillway.io;
