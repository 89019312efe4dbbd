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

import io.spillway.io.TempFile;
import java.io.File;
import java.util.Objects;
import org.apache.spark.storage.BlockId;

/**
 * One temporary file for a spill and the block id that keys its compression and encryption
 * ({@code SerializerManager.wrapStream(blockId, ...)} decides per block type whether to compress:
 * a {@code TempShuffleBlockId} follows {@code spark.shuffle.compress}, a {@code TempLocalBlockId}
 * {@code spark.shuffle.spill.compress}). Created by a {@link SpillFileSource}.
 */
public record SpillFile(BlockId blockId, File file) implements TempFile {
  public SpillFile {
    Objects.requireNonNull(blockId, "blockId is null");
    Objects.requireNonNull(file, "file is null");
  }
}
