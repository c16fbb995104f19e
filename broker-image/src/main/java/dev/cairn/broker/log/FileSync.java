package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a segment's bytes are made durable: {@link FileChannel#force} in production. A failure is the
 * disk refusing, so the log directory goes offline ({@link LogManager#failed}); tests inject one
 * here.
 */
@FunctionalInterface
public interface FileSync {
  FileSync FORCE = (file, channel) -> channel.force(false);

  /** Makes {@code channel}'s writes to {@code file} durable. */
  void force(Path file, FileChannel channel) throws IOException;
}
