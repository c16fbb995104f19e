package dev.cairn.cache.sentinel;

/** A monitored server's or a sentinel's address as Redis's sentinel names it: ip and port. */
public record Address(String host, int port) {
  public Address {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("an address needs a host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
