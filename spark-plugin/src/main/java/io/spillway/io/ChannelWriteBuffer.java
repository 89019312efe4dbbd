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
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A reusable write buffer in front of a channel: small writes are gathered and written to the
 * channel in one call on {@link #flush()} or when the buffer fills. Unlike a
 * {@code BufferedOutputStream} per partition, one instance (one buffer allocation) serves every
 * partition of a merge: {@link #target} points it at the next channel.
 *
 * <p>Callers that also write to the channel directly (transferTo) must {@link #flush()} first, so
 * the bytes land in order. {@link #close()} flushes and never closes the channel.
 */
public final class ChannelWriteBuffer extends OutputStream {
  private final ByteBuffer buffer;
  private WritableByteChannel channel;

  public ChannelWriteBuffer(int bufferSizeBytes) {
    this.buffer = ByteBuffer.allocate(Math.max(1, bufferSizeBytes));
  }

  /** Flushes what is buffered for the current channel, then writes to {@code next}. */
  public ChannelWriteBuffer target(WritableByteChannel next) throws IOException {
    flush();
    this.channel = next;
    return this;
  }

  @Override
  public void write(int b) throws IOException {
    if (!buffer.hasRemaining()) {
      flush();
    }
    buffer.put((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length >= buffer.capacity()) {
      flush();
      writeFully(ByteBuffer.wrap(bytes, offset, length));
      return;
    }
    if (length > buffer.remaining()) {
      flush();
    }
    buffer.put(bytes, offset, length);
  }

  @Override
  public void flush() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    buffer.flip();
    writeFully(buffer);
    buffer.clear();
  }

  private void writeFully(ByteBuffer source) throws IOException {
    if (channel == null) {
      throw new IllegalStateException("No target channel");
    }
    while (source.hasRemaining()) {
      channel.write(source);
    }
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
