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
