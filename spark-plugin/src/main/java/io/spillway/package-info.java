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
/**
 * Spillway: a drop-in Spark shuffle manager.
 *
 * <pre>
 * MAP TASK   (io.spillway.write)
 *   records --[map-side combine, if the dependency asks]--+
 *                                                          v
 *     relocatable serializer: serialize now -> write.sort.PageSorter (memory pages, packed
 *                             pointers, radix sort by partition) --(memory short)--> spill file
 *     other serializers:      ObjectMapOutputBuffer (objects + partition ids) ----> spill file
 *                                                          v
 *     write.merge: nothing spilled -> write straight | one spill -> move |
 *                  several -> transferTo | fileStream | slow | reserialize, in bounded rounds
 *                                                          v
 *     Spark's ShuffleMapOutputWriter -> .data + .index + .checksum -> MapStatus
 *
 * REDUCE TASK (io.spillway.read)
 *   Spark's block fetcher (local, host-local, remote, external shuffle service, batch)
 *     -> decrypt + decompress -> deserialize -> [aggregate] -> [sort] -> records
 * </pre>
 *
 * <p>Leaves that everything may use and that use nothing else of Spillway: {@code config}
 * (typed settings, read once), {@code memory} (the one memory consumer type), {@code io} (stream
 * and file helpers). {@code write} and {@code read} do not import each other; {@code combine} and
 * {@code sort} import neither. Only the manager, the writer and the reader touch Spark's shuffle
 * interfaces, and only {@code io.spillway.spark} touches Spark internals. The rules, the decisions
 * behind them and the file formats: {@code docs/architecture.md}.
 */
package io.spillway;
