package dev.cairn.coord.persist;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A txn log file that cannot be read back and is not a torn tail: the server refuses to start
 * rather than silently drop the committed txns at and after the offset (ZooKeeper refuses the same
 * way). The message names the file and the byte offset so an operator can inspect it.
 */
public final class CorruptLogException extends IOException {
  public CorruptLogException(Path file, long offset, String why) {
    super(
        "txn log "
            + file
            + " is corrupt at offset "
            + offset
            + ": "
            + why
            + "; refusing to start rather than drop the committed txns from there on");
  }
}
