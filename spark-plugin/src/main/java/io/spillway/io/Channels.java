package io.spillway.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** Channel helpers. */
public final class Channels {
  private Channels() {}

  /**
   * Copies {@code length} bytes from {@code source} at {@code position} to {@code target} with
   * {@link FileChannel#transferTo}, looping because one call may move fewer bytes than asked
   * (the kernel caps a single sendfile/copy_file_range, 2 GiB on Linux).
   */
  public static void transferFully(FileChannel source, long position, long length,
      WritableByteChannel target) throws IOException {
    long copied = 0;
    while (copied < length) {
      long moved = source.transferTo(position + copied, length - copied, target);
      if (moved <= 0 && source.size() < position + length) {
        throw new IOException("Source file is " + source.size() + " bytes, shorter than the segment ["
            + position + ", " + (position + length) + ") being copied");
      }
      copied += moved;
    }
  }
}
