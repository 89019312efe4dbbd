package io.spillway;

import java.io.IOException;
import org.apache.spark.Aggregator;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.shuffle.ShuffleWriter;
import scala.Option;
import scala.Product2;
import scala.collection.Iterator;

/**
 * Map-side combine in front of a Spillway writer: records are combined by key with the
 * dependency's aggregator and the combiners are written. Interim: uses Spark's {@code
 * Aggregator.combineValuesByKey} until Spillway's own merger takes over.
 */
final class MapSideCombiningWriter<K, V, C> extends ShuffleWriter<K, V> {
  private final ShuffleDependency<K, V, C> dependency;
  private final ShuffleWriter<K, C> combinedWriter;
  private final TaskContext context;

  MapSideCombiningWriter(ShuffleDependency<K, V, C> dependency, ShuffleWriter<K, C> combinedWriter,
      TaskContext context) {
    this.dependency = dependency;
    this.combinedWriter = combinedWriter;
    this.context = context;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void write(Iterator<Product2<K, V>> records) throws IOException {
    Aggregator<K, V, C> aggregator = dependency.aggregator().get();
    Iterator combined = aggregator.combineValuesByKey(records, context);
    combinedWriter.write((Iterator<Product2<K, C>>) combined);
  }

  @Override
  public Option<MapStatus> stop(boolean success) {
    return combinedWriter.stop(success);
  }

  @Override
  public long[] getPartitionLengths() {
    return combinedWriter.getPartitionLengths();
  }
}
