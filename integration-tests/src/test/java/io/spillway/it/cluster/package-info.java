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
 * A real Spark standalone cluster on this machine, for integration tests: a Master and Workers as
 * separate {@code java} processes started from an assembled Spark home, executors launched by the
 * Workers the way they are in production, and drivers started with {@code SparkSubmit} exactly as
 * a user's {@code spark-submit} does.
 *
 * <p>One class per job: {@link io.spillway.it.cluster.ItArtifacts} finds what the build made,
 * {@link io.spillway.it.cluster.SparkHome} is the assembled Spark home,
 * {@link io.spillway.it.cluster.JavaCommand} builds a JVM command line,
 * {@link io.spillway.it.cluster.ManagedProcess} owns one started process tree,
 * {@link io.spillway.it.cluster.FreePorts} picks ports, {@link io.spillway.it.cluster.Poll} waits
 * for a condition, {@link io.spillway.it.cluster.MasterStatus} reads the Master's JSON status,
 * {@link io.spillway.it.cluster.StandaloneCluster} starts and stops the whole cluster,
 * {@link io.spillway.it.cluster.SubmittedApp} runs one spark-submit, and
 * {@link io.spillway.it.cluster.ExecutorLogs} reads what executors wrote in the Workers' work
 * directories.
 *
 * <p>Nothing waits by sleeping for a fixed time: readiness is polled with a generous timeout, and
 * every process is stopped (with its descendants) when the test ends, on failure too, with a JVM
 * shutdown hook as a backstop.
 */
package io.spillway.it.cluster;
