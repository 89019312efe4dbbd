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
  private Iterator<Tuple2<Object, Object>> currentBlock = scala.collection.Iterator$.MODULE$.empty();
  private boolean metricsMerged;

  DeserializingIterator(Iterator<Tuple2<BlockId, InputStream>> blocks, SerializerInstance serializer,
      ShuffleReadMetricsReporter readMetrics, TaskContext context) {
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
      currentBlock = rowDecoder != null ? rowDecoder.rows(block)
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
