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
package io.spillway.it.faults;

import io.spillway.SpillwayShuffleManager;
import io.spillway.spark.RowChecksums;
import io.spillway.spark.SparkVersionBridge;
import java.io.IOException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.MapStatus;
import org.apache.spark.shuffle.ShuffleHandle;
import org.apache.spark.shuffle.ShuffleWriteMetricsReporter;
import org.apache.spark.shuffle.ShuffleWriter;
import scala.Option;
import scala.Product2;

/**
 * Test only: Spillway, except that every {@code MapStatus} carries checksum 0 (as a writer that
 * ignores the dependency's row checksums would report), for {@link
 * ZeroChecksumNegativeControlTest}. The output files are Spillway's own; only the status is
 * rebuilt, through the same version bridge, with {@link RowChecksums#NONE}.
 */
public class ZeroChecksumShuffleManager extends SpillwayShuffleManager {

  public ZeroChecksumShuffleManager(SparkConf conf) {
    super(conf);
  }

  @Override
  public <K, V> ShuffleWriter<K, V> getWriter(
      ShuffleHandle handle, long mapId, TaskContext context, ShuffleWriteMetricsReporter metrics) {
    return new ZeroChecksumWriter<>(super.getWriter(handle, mapId, context, metrics));
  }

  private static final class ZeroChecksumWriter<K, V> extends ShuffleWriter<K, V> {
    private final ShuffleWriter<K, V> delegate;

    ZeroChecksumWriter(ShuffleWriter<K, V> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(scala.collection.Iterator<Product2<K, V>> records) throws IOException {
      delegate.write(records);
    }

    @Override
    public Option<MapStatus> stop(boolean success) {
      Option<MapStatus> status = delegate.stop(success);
      if (status.isEmpty()) {
        return status;
      }
      MapStatus written = status.get();
      return Option.apply(
          SparkVersionBridge.forRunningSpark()
              .mapStatus(
                  written.location(),
                  delegate.getPartitionLengths(),
                  written.mapId(),
                  RowChecksums.NONE));
    }

    @Override
    public long[] getPartitionLengths() {
      return delegate.getPartitionLengths();
    }
  }
}
