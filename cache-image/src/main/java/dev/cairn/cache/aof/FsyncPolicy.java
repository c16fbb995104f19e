package dev.cairn.cache.aof;

/** {@code appendfsync}: when the append-only file is fsynced. */
enum FsyncPolicy {
  /** After every write, before any reply it acknowledges is sent (group commit per loop turn). */
  ALWAYS,
  /** Once a second, on a background thread: a crash of the machine loses at most about 1 s. */
  EVERYSEC,
  /** Never explicitly: the operating system decides. */
  NO;

  static FsyncPolicy of(String config) {
    return valueOf(config.toUpperCase(java.util.Locale.ROOT));
  }
}
