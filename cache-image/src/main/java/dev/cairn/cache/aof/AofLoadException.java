package dev.cairn.cache.aof;

import java.io.IOException;

/**
 * The append-only files cannot be loaded as they are: a flawed manifest, a missing file, a format
 * error, a truncation {@code aof-load-truncated} does not allow. The message names the file and
 * what to do, as Redis's log does; the cache refuses to start rather than serve part of its data.
 */
public final class AofLoadException extends IOException {
  public AofLoadException(String message) {
    super(message);
  }

  public AofLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
