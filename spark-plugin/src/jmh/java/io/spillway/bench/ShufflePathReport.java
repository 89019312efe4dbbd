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
package io.spillway.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link BenchmarkShufflePath} (JMH command-line options in the arguments, e.g. {@code -f 1
 * -wi 3 -i 5}) and prints, per kind of records, the write and read paths' MB/s per core (MB =
 * 10^6 bytes of serialized, uncompressed records) and each as a fraction of the lz4 ceiling
 * measured in the same run on the same bytes: write / lz4 compress, read / lz4 decompress.
 *
 * <pre>
 * kind       write MB/s  lz4 compress MB/s  write/compress  read MB/s  lz4 decompress MB/s  read/decompress
 * unsaferow       123.4              456.7          27.0 %      ...
 * </pre>
 */
public final class ShufflePathReport {
  private ShufflePathReport() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .parent(new CommandLineOptions(args))
                    .include(BenchmarkShufflePath.class.getName() + "\\.")
                    .build())
            .run();
    // kind/partitions -> benchmark method -> MB/s
    Map<String, Map<String, Double>> rates = new TreeMap<>();
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      String kind =
          result.getParams().getParam("kind") + "/" + result.getParams().getParam("partitions");
      Result<?> bytes = result.getSecondaryResults().get("bytes");
      if (bytes != null) {
        rates.computeIfAbsent(kind, k -> new TreeMap<>()).put(method, bytes.getScore() / 1e6);
      }
    }
    System.out.println();
    System.out.println("Serialized shuffle path, one thread (per core), MB/s of serialized bytes:");
    System.out.printf(
        Locale.ROOT,
        "%-16s %10s %18s %15s %10s %20s %16s%n",
        "kind",
        "write MB/s",
        "lz4 compress MB/s",
        "write/compress",
        "read MB/s",
        "lz4 decompress MB/s",
        "read/decompress");
    rates.forEach(
        (kind, r) ->
            System.out.printf(
                Locale.ROOT,
                "%-16s %10.1f %18.1f %13.1f %% %10.1f %20.1f %14.1f %%%n",
                kind,
                r.getOrDefault("write", Double.NaN),
                r.getOrDefault("lz4Compress", Double.NaN),
                100
                    * r.getOrDefault("write", Double.NaN)
                    / r.getOrDefault("lz4Compress", Double.NaN),
                r.getOrDefault("read", Double.NaN),
                r.getOrDefault("lz4Decompress", Double.NaN),
                100
                    * r.getOrDefault("read", Double.NaN)
                    / r.getOrDefault("lz4Decompress", Double.NaN)));
  }
}
