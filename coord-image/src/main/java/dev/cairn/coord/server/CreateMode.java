package dev.cairn.coord.server;

import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.KeeperError;

/** ZooKeeper's {@code CreateMode} flags as sent in a create request. */
enum CreateMode {
  PERSISTENT(0, false, false, false, false),
  EPHEMERAL(1, true, false, false, false),
  PERSISTENT_SEQUENTIAL(2, false, true, false, false),
  EPHEMERAL_SEQUENTIAL(3, true, true, false, false),
  CONTAINER(4, false, false, true, false),
  PERSISTENT_WITH_TTL(5, false, false, false, true),
  PERSISTENT_SEQUENTIAL_WITH_TTL(6, false, true, false, true);

  private final int flag;
  private final boolean ephemeral;
  private final boolean sequential;
  private final boolean container;
  private final boolean ttl;

  CreateMode(int flag, boolean ephemeral, boolean sequential, boolean container, boolean ttl) {
    this.flag = flag;
    this.ephemeral = ephemeral;
    this.sequential = sequential;
    this.container = container;
    this.ttl = ttl;
  }

  static CreateMode of(int flag) throws KeeperError {
    for (CreateMode m : values()) {
      if (m.flag == flag) {
        return m;
      }
    }
    throw new KeeperError(Err.BADARGUMENTS);
  }

  boolean ephemeral() {
    return ephemeral;
  }

  boolean sequential() {
    return sequential;
  }

  boolean container() {
    return container;
  }

  boolean ttl() {
    return ttl;
  }
}
