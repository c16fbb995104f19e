package dev.cairn.common.io;

/** One file of a {@link Storage}: appended to, read anywhere, truncated, synced. */
public interface StorageFile {
  long size();

  default void append(byte[] bytes) {
    append(bytes, 0, bytes.length);
  }

  void append(byte[] bytes, int offset, int length);

  /**
   * Reads up to {@code length} bytes at {@code position}; returns how many were read, -1 at the end
   * of the file.
   */
  int read(long position, byte[] into, int offset, int length);

  /** Cuts the file to {@code size} bytes (a torn tail found at recovery, a truncated log). */
  void truncate(long size);

  /**
   * Makes everything written so far survive a crash. May run on another thread than the writes
   * ({@link BackgroundFsync}): it then covers what was written before it was called.
   */
  void fsync();
}
