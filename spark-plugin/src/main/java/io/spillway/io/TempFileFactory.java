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
package io.spillway.io;

import java.io.IOException;

/**
 * Creates temporary files: Spark's local directories inside a task, a JUnit temp directory in
 * tests.
 *
 * @param <T> what describes a created file (the file plus whatever its writer needs)
 */
@FunctionalInterface
public interface TempFileFactory<T extends TempFile> {
  /** A new file that does not exist yet or is empty; the caller owns it and must delete it. */
  T create() throws IOException;
}
