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
 * Small stream, channel and temporary-file helpers that every side uses: counting and
 * non-closing streams, a reusable channel write buffer, temp-file tracking, write errors that
 * name the file, cleanup that never hides the first failure, and output bound to its task
 * (released once, at exhaustion or task end). A leaf.
 */
package io.spillway.io;
