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
package io.spillway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.package$;
import org.junit.jupiter.api.Test;

/**
 * The configuration docs say what the code says: every generated block of {@link ConfigDocs}
 * equals its file's text between the markers, to the character (key, default, unit, allowed
 * values, text). To regenerate after changing io.spillway.config:
 *
 * <pre>
 * mvn -B -pl spark-plugin test -Dtest=ConfigDocsTest -Dspillway.docs.update=true
 * </pre>
 */
class ConfigDocsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final String UPDATE = "spillway.docs.update";

  @Test
  void generatedBlocksMatchTheCode() throws IOException {
    if (Boolean.getBoolean(UPDATE)) {
      ConfigDocs.writeAll(ROOT);
    }
    for (ConfigDocs.Block block : ConfigDocs.blocks()) {
      String text = Files.readString(ROOT.resolve(block.file()));
      assertEquals(
          block.content(),
          ConfigDocs.current(block, text),
          block.file()
              + ", block "
              + block.name()
              + ", differs from io.spillway.config; rewrite it with: mvn -B -pl"
              + " spark-plugin test -Dtest=ConfigDocsTest -D"
              + UPDATE
              + "=true");
    }
  }

  /** Spark keys the plugin's sources name: string literals and Spark config entries. */
  private static final Pattern KEY_LITERAL = Pattern.compile("\"(spark\\.[A-Za-z0-9.]+)\"");

  private static final Pattern SPARK_ENTRY = Pattern.compile("keys\\.([A-Z0-9_]+)\\(\\)");

  /** Keys read for something other than a setting: the driver's executor id. */
  private static final Set<String> NOT_SETTINGS = Set.of("spark.executor.id");

  @Test
  void everySparkKeyThePluginReadsIsDocumented() throws Exception {
    Set<String> named = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher literal = KEY_LITERAL.matcher(source);
        while (literal.find()) {
          named.add(literal.group(1));
        }
        Matcher entry = SPARK_ENTRY.matcher(source);
        while (entry.find()) {
          Method getter = package$.class.getMethod(entry.group(1));
          named.add(((ConfigEntry<?>) getter.invoke(package$.MODULE$)).key());
        }
      }
    }
    named.removeIf(key -> key.startsWith(ConfigWarnings.PREFIX) || NOT_SETTINGS.contains(key));
    Set<String> documented =
        SparkKeysRead.all().stream()
            .map(SparkKeysRead.Use::key)
            .collect(Collectors.toCollection(TreeSet::new));
    named.removeAll(documented);
    assertEquals(Set.of(), named, "Spark keys read but not in SparkKeysRead");
  }

  @Test
  void wrapKeepsWordsWhole() {
    assertEquals(List.of("aa bb", "cc"), ConfigDocs.wrap("aa bb cc", 5));
    assertEquals(List.of("aaaaaaa", "b"), ConfigDocs.wrap("aaaaaaa b", 5));
  }
}
