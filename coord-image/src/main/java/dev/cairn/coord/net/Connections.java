package dev.cairn.coord.net;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open client connections, and the per-address limit ({@code maxClientCnxns}, 0 = unlimited) that
 * ZooKeeper applies to each client IP. Thread-safe.
 */
public final class Connections {
  private final int maxPerAddress;
  private final Map<ClientConnection, Boolean> open = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  public Connections(int maxPerAddress) {
    this.maxPerAddress = maxPerAddress;
  }

  /** Registers a connection; false when its address is at the limit. */
  boolean add(ClientConnection c, InetAddress address) {
    boolean[] ok = {true};
    perAddress.compute(
        address,
        (a, n) -> {
          int count = n == null ? 0 : n;
          if (maxPerAddress > 0 && count >= maxPerAddress) {
            ok[0] = false;
            return n;
          }
          return count + 1;
        });
    if (ok[0]) {
      open.put(c, Boolean.TRUE);
    }
    return ok[0];
  }

  void remove(ClientConnection c, InetAddress address) {
    if (open.remove(c) != null) {
      perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }

  public Collection<ClientConnection> all() {
    return open.keySet();
  }

  public int count() {
    return open.size();
  }
}
