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
 * Driver programs that the standalone-cluster integration tests submit with spark-submit, packed
 * by the build into their own application jar ({@code *-cluster-jobs.jar}).
 *
 * <p>They use Spark's API only (never a Spillway class: the shuffle manager reaches them through
 * {@code --jars} and {@code spark.shuffle.manager}, as for any user job), take every setting from
 * spark-submit, and report what happened as {@code FACT name=value} lines on standard output
 * ({@link io.spillway.it.cluster.jobs.Facts}). The tests assert on those facts; the jobs assert
 * nothing themselves, so a broken scenario shows up as a named, failed expectation in the test.
 *
 * <p>Why here and not in {@code examples/}: these programs are test instruments (they wait for
 * executors to be removed, read the driver's map-output locations, probe the executors' shuffle
 * manager), not jobs a user would learn from.
 */
package io.spillway.it.cluster.jobs;
