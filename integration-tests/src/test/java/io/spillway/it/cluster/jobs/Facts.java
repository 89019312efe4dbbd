package io.spillway.it.cluster.jobs;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Prints the facts a job observed as lines {@code FACT name=value} on standard output, the
 * channel between a submitted driver program and the test that reads its output. Names are
 * lower-case with dashes; a value never contains a line break. Collections print sorted and
 * comma-separated, so equal sets print equally.
 */
public final class Facts {
  /** The prefix the test looks for. */
  public static final String PREFIX = "FACT ";

  private Facts() {}

  public static void print(String name, Object value) {
    String text = String.valueOf(value).replace('\n', ' ').replace('\r', ' ');
    System.out.println(PREFIX + name + "=" + text);
    System.out.flush();
  }

  public static void print(String name, Collection<?> values) {
    print(name, values.stream().map(String::valueOf).sorted().collect(Collectors.joining(",")));
  }
}
