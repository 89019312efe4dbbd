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
package io.spillway.read;

import io.spillway.spark.UnsafeRowDecoder;
import java.io.InputStream;
import org.apache.spark.TaskContext;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.storage.BlockId;
import scala.Tuple2;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;

/**
 * Turns fetched, decrypted and decompressed block streams into records, one deserialization
 * stream per block, counting records read. When the last block is done the task's read metrics
 * are merged, as Spark's reader does.
 */
final class DeserializingIterator extends AbstractIterator<Tuple2<Object, Object>> {
  private final Iterator<Tuple2<BlockId, InputStream>> blocks;
  private final SerializerInstance serializer;

  /** Spark SQL's rows, read without the deserialization stream; null for other serializers. */
  private final UnsafeRowDecoder rowDecoder;

  private final ShuffleReadMetricsReporter readMetrics;
  private final TaskContext context;
  private Iterator<Tuple2<Object, Object>> currentBlock =
      scala.collection.Iterator$.MODULE$.empty();
  private boolean metricsMerged;

  DeserializingIterator(
      Iterator<Tuple2<BlockId, InputStream>> blocks,
      SerializerInstance serializer,
      ShuffleReadMetricsReporter readMetrics,
      TaskContext context) {
    this.blocks = blocks;
    this.serializer = serializer;
    this.rowDecoder = UnsafeRowDecoder.forSerializer(serializer);
    this.readMetrics = readMetrics;
    this.context = context;
  }

  @Override
  public boolean hasNext() {
    while (!currentBlock.hasNext()) {
      if (!blocks.hasNext()) {
        if (!metricsMerged) {
          metricsMerged = true;
          context.taskMetrics().mergeShuffleReadMetrics();
        }
        return false;
      }
      // both close the stream once its last record has been read
      InputStream block = blocks.next()._2();
      currentBlock =
          rowDecoder != null
              ? rowDecoder.rows(block)
              : serializer.deserializeStream(block).asKeyValueIterator();
    }
    return true;
  }

  @Override
  public Tuple2<Object, Object> next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException("No more shuffle records");
    }
    readMetrics.incRecordsRead(1);
    return currentBlock.next();
  }
}
