package dev.cairn.coord.watch;

/**
 * The kinds of watch a connection can hold on a path, as bits in one int per (path, watcher).
 * One-shot kinds are removed when they fire; persistent kinds stay until removed.
 */
public final class WatchKind {
  /** Set by getData and exists (also on a missing node): created, changed, deleted. */
  public static final int DATA = 1;

  /** Set by getChildren: children changed, node deleted. */
  public static final int CHILD = 2;

  /** addWatch PERSISTENT: every event on the path, never removed by firing. */
  public static final int PERSISTENT = 4;

  /** addWatch PERSISTENT_RECURSIVE: created/changed/deleted on the path and all descendants. */
  public static final int RECURSIVE = 8;

  public static final int ONE_SHOT = DATA | CHILD;

  private WatchKind() {}

  /** Kinds at the event's own path that the event fires. */
  static int firedAt(EventType type) {
    return switch (type) {
      case NODE_CREATED, NODE_DATA_CHANGED -> DATA | PERSISTENT | RECURSIVE;
      case NODE_DELETED -> DATA | CHILD | PERSISTENT | RECURSIVE;
      case NODE_CHILDREN_CHANGED -> CHILD | PERSISTENT;
    };
  }
}
