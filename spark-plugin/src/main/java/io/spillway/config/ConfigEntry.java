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

import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.SparkConf;

/**
 * One {@code spark.spillway.*} setting: its key, default, unit, the values it allows and a doc
 * line. {@link #read} parses it once, and a bad value fails with a message naming the key, the
 * value and what is allowed.
 *
 * @param <T> the parsed type
 */
public final class ConfigEntry<T> {
  private final String key;
  private final String defaultValue;
  private final String unit;
  private final String allowedValues;
  private final String doc;
  private final Function<String, T> parser;

  ConfigEntry(
      String key,
      String defaultValue,
      String unit,
      String allowedValues,
      String doc,
      Function<String, T> parser) {
    this.key = Objects.requireNonNull(key, "key is null");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue is null");
    this.unit = Objects.requireNonNull(unit, "unit is null");
    this.allowedValues = Objects.requireNonNull(allowedValues, "allowedValues is null");
    this.doc = Objects.requireNonNull(doc, "doc is null");
    this.parser = Objects.requireNonNull(parser, "parser is null");
  }

  /** Reads and validates this entry; the default applies when the key is absent. */
  public T read(SparkConf conf) {
    String raw = conf.get(key, defaultValue);
    return parse(raw);
  }

  /** Parses {@code raw}; throws {@link IllegalArgumentException} naming key, value and limits. */
  public T parse(String raw) {
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Invalid value '" + raw + "' for " + key + ": allowed values are " + allowedValues, e);
    }
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String unit() {
    return unit;
  }

  public String allowedValues() {
    return allowedValues;
  }

  public String doc() {
    return doc;
  }

  @Override
  public String toString() {
    return key + "=" + defaultValue;
  }
}
