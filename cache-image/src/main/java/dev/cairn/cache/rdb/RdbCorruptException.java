package dev.cairn.cache.rdb;

import java.io.IOException;

/**
 * RDB data that cannot be what Redis writes: truncated, a bad checksum, an unknown type or opcode,
 * a malformed listpack, intset or LZF block. Carries the byte offset where reading stopped so
 * operators can tell a truncation from a flipped byte.
 */
public final class RdbCorruptException extends IOException {
  private final long offset;

  public RdbCorruptException(String what, long offset) {
    super(what + " (at byte offset " + offset + ")");
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }
}
