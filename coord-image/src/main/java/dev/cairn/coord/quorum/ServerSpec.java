package dev.cairn.coord.quorum;

import java.net.InetSocketAddress;

/**
 * One server of a configuration as ZooKeeper writes it after {@code server.N=}: {@code
 * host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]}.
 *
 * @param clientHost the client address's host, null when the line names no client port ({@code
 *     0.0.0.0} when it names only the port, as ZooKeeper reads it)
 * @param clientPort the client port, -1 when the line names none
 */
public record ServerSpec(
    String host,
    int quorumPort,
    int electionPort,
    boolean observer,
    String clientHost,
    int clientPort) {

  /** Parses a spec; throws IllegalArgumentException naming what is wrong. */
  public static ServerSpec parse(String text) {
    String[] halves = text.trim().split(";", -1);
    if (halves.length > 2) {
      throw new IllegalArgumentException("more than one ';' in server spec '" + text + "'");
    }
    String[] parts = halves[0].trim().split(":", -1);
    if (parts.length < 3 || parts.length > 4 || parts[0].isEmpty()) {
      throw new IllegalArgumentException(
          "server spec '"
              + text
              + "' is not host:quorumPort:electionPort[:participant|observer][;[clientHost:]port]");
    }
    boolean observer = false;
    if (parts.length == 4) {
      switch (parts[3].toLowerCase(java.util.Locale.ROOT)) {
        case "observer" -> observer = true;
        case "participant" -> observer = false;
        default ->
            throw new IllegalArgumentException(
                "unknown server role '" + parts[3] + "' in '" + text + "'");
      }
    }
    String clientHost = null;
    int clientPort = -1;
    if (halves.length == 2) {
      String client = halves[1].trim();
      int colon = client.lastIndexOf(':');
      clientHost = colon < 0 ? "0.0.0.0" : client.substring(0, colon);
      clientPort = port(colon < 0 ? client : client.substring(colon + 1), text);
    }
    return new ServerSpec(
        parts[0], port(parts[1], text), port(parts[2], text), observer, clientHost, clientPort);
  }

  private static int port(String value, String text) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port '" + value + "' in server spec '" + text + "'");
    }
  }

  public InetSocketAddress quorumAddress() {
    return InetSocketAddress.createUnresolved(host, quorumPort);
  }

  public InetSocketAddress electionAddress() {
    return InetSocketAddress.createUnresolved(host, electionPort);
  }

  /** Whether two servers would listen on the same address (ZooKeeper refuses such a joiner). */
  public boolean sharesAnAddressWith(ServerSpec other) {
    if (!host.equals(other.host)) {
      return false;
    }
    return quorumPort == other.quorumPort
        || quorumPort == other.electionPort
        || electionPort == other.quorumPort
        || electionPort == other.electionPort;
  }

  /** As ZooKeeper's {@code QuorumServer.toString()}: the role always, the client part if any. */
  @Override
  public String toString() {
    String spec =
        host + ":" + quorumPort + ":" + electionPort + (observer ? ":observer" : ":participant");
    return clientHost == null ? spec : spec + ";" + clientHost + ":" + clientPort;
  }
}
