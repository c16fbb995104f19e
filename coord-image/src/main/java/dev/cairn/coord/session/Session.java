package dev.cairn.coord.session;

import java.util.Random;

/**
 * A client session: id, negotiated timeout and the connection currently serving it (none while the
 * client reconnects). The password is derived from the id and a fixed secret, as ZooKeeper derives
 * it, so it survives restarts without being stored.
 */
public final class Session {
  /** ZooKeeper's {@code superSecret}: seeds the password generator together with the id. */
  private static final long SECRET = 0XB3415C00L;

  private final long id;
  private final int timeout;
  volatile long expiresAt;
  private volatile boolean closing;
  private volatile Object owner;

  Session(long id, int timeout) {
    this.id = id;
    this.timeout = timeout;
  }

  public long id() {
    return id;
  }

  public int timeout() {
    return timeout;
  }

  public byte[] password() {
    byte[] p = new byte[16];
    new Random(id ^ SECRET).nextBytes(p);
    return p;
  }

  /** Set once the session is being closed or expired: no new requests are accepted for it. */
  public boolean closing() {
    return closing;
  }

  void markClosing() {
    closing = true;
  }

  /** The connection serving the session (an opaque handle the network layer sets). */
  public Object owner() {
    return owner;
  }

  public void setOwner(Object owner) {
    this.owner = owner;
  }
}
