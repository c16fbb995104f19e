package dev.cairn.cache.rdb;

import java.io.IOException;
import java.nio.file.Path;

/** An RDB file that cannot be loaded: names the file and what is wrong with it. */
public final class RdbLoadException extends IOException {
  public RdbLoadException(Path file, String what, Throwable cause) {
    super("cannot load RDB file " + file.toAbsolutePath() + ": " + what, cause);
  }
}
