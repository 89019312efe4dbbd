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
package io.spillway.examples.bench;

import java.util.Map;

/**
 * The per-core ceilings of one (workload, serializer), from {@link Calibration}'s measurements, and
 * the job-level throughputs held against them.
 *
 * <p>Throughputs are in MB/s (10^6 bytes) of <em>serialized, uncompressed</em> shuffle data per
 * core: the shuffle's logical bytes, estimated as the built-in shuffle's compressed
 * {@code shuffleBytesWritten} (or read) divided by the lz4 ratio measured on the workload's own
 * serialized records, divided by the summed run time of the tasks on that side (so two tasks
 * running at once count twice: per core). Every contender is credited with the same logical
 * bytes for a workload, so Comet's columnar encoding (a different byte count) is held to the same
 * amount of data moved.
 *
 * <pre>
 *   write ceiling = 1 / (1 / lz4 compress + ratio / file write)      compress, write what is left
 *   read ceiling  = 1 / (1 / lz4 decompress + ratio / file read)     read, decompress
 * </pre>
 *
 * (file rates through the page cache, as Spark writes and, on one host, reads shuffle files; the
 * fsync and O_DIRECT rates of the device are in the report beside them).
 */
record Ceiling(
    double ratio,
    double compressMBps,
    double decompressMBps,
    double fileWriteMBps,
    double fileReadMBps) {

  /** The ceiling of a case, or null if the calibration did not measure it. */
  static Ceiling of(Map<String, String> calibration, String workload, String serializer) {
    String key = Calibration.key(workload, serializer) + ".";
    double ratio = number(calibration, key + "ratio");
    double c = number(calibration, key + "lz4CompressMBps");
    double d = number(calibration, key + "lz4DecompressMBps");
    double w = number(calibration, "fileWriteMBps");
    double r = number(calibration, "fileReadMBps");
    if (Double.isNaN(ratio)
        || Double.isNaN(c)
        || Double.isNaN(d)
        || Double.isNaN(w)
        || Double.isNaN(r)) {
      return null;
    }
    return new Ceiling(ratio, c, d, w, r);
  }

  double writeMBps() {
    return 1 / (1 / compressMBps + ratio / fileWriteMBps);
  }

  double readMBps() {
    return 1 / (1 / decompressMBps + ratio / fileReadMBps);
  }

  /** Serialized bytes behind {@code compressedBytes} of this case's shuffle. */
  double logicalBytes(double compressedBytes) {
    return compressedBytes / ratio;
  }

  /** MB/s per core of {@code logicalBytes} over {@code taskMs} summed task time. */
  static double perCore(double logicalBytes, double taskMs) {
    return taskMs > 0 ? logicalBytes / 1e6 / (taskMs / 1000) : Double.NaN;
  }

  static double number(Map<String, String> m, String key) {
    try {
      String v = m.get(key);
      return v == null ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
