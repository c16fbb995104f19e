package dev.cairn.coord.proto;

/**
 * A request failed with a ZooKeeper error code: thrown while preparing or executing a request and
 * turned into the reply's {@code err}. Carries no stack trace: it is control flow, not a bug.
 */
public final class KeeperError extends Exception {
  private final Err err;

  public KeeperError(Err err) {
    super(err.name(), null, false, false);
    this.err = err;
  }

  public Err err() {
    return err;
  }
}
