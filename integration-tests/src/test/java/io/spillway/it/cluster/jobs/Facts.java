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
