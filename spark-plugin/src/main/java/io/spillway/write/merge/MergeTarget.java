/*
 * Copyright 2026 The Spillway Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.spillway.write.merge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;

/**
 * Where one merge round writes: the map output (the writer's adapter to Spark's shuffle IO API,
 * {@code io.spillway.write.MapOutputTarget}) or an intermediate spill file. Partitions are opened
 * in increasing order, each at most once, and either as a stream or as a channel.
 */
public interface MergeTarget {

  /** The raw (already compressed and encrypted) bytes of one partition go here. */
  interface PartitionOutput extends AutoCloseable {
    /** A channel for transferTo, or null when the target only offers a stream. */
    WritableByteChannel channel() throws IOException;

    OutputStream stream() throws IOException;

    @Override
    void close() throws IOException;
  }

  PartitionOutput openPartition(int partitionId) throws IOException;
}
