package dev.cairn.coord.persist;

import java.io.IOException;

/**
 * A snapshot stream that does not read back as one: cut short, a length or count out of bounds, a
 * node whose parent or ACL the stream never gave. Nothing of it may be installed: a learner that
 * served half a tree would fork the ensemble. The message says what was being read and where.
 */
public final class CorruptSnapshotException extends IOException {
  public CorruptSnapshotException(String what, Throwable cause) {
    super("malformed ZooKeeper snapshot stream: " + what, cause);
  }

  public CorruptSnapshotException(String what) {
    this(what, null);
  }
}
