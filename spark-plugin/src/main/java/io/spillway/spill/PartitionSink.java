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
package io.spillway.spill;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Receives a sorted run partition by partition. {@link #openPartition} is called with strictly
 * increasing ids, only for partitions that have records; the returned stream already compresses
 * and encrypts like Spark's, and closing it ends the partition's codec stream. Implemented by
 * {@link SpillWriter} in bytes mode, and by the map output when nothing was spilled.
 */
public interface PartitionSink {
  OutputStream openPartition(int partitionId) throws IOException;
}
