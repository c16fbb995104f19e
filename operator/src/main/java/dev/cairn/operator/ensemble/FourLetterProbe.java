package dev.cairn.operator.ensemble;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Probes a coordinator server with ZooKeeper's four-letter words on its client port, as ZooKeeper
 * monitoring does: {@code srvr} gives {@code Mode:} and {@code Zxid:} (or says the server is not
 * currently serving), and on the leader {@code mntr} gives {@code zk_synced_followers}. Both words
 * are in the whitelist the operator renders into zoo.cfg. Each exchange is bounded by {@link
 * #TIMEOUT_MS}, so an unreachable pod cannot stall a reconcile for long.
 */
public final class FourLetterProbe implements ServerProbe {
  /** Generous: a server busy starting (JIT, recovery) answers late, and late is not down. */
  static final int TIMEOUT_MS = 2000;

  private static final int MAX_ANSWER = 64 * 1024;

  @Override
  public ServerState probe(String host, int clientPort) {
    InetSocketAddress server = new InetSocketAddress(host, clientPort);
    try {
      String srvr = ask(server, "srvr");
      ServerState state = parse(srvr, null);
      return state.role() == ServerState.Role.LEADER ? parse(srvr, ask(server, "mntr")) : state;
    } catch (IOException | RuntimeException e) {
      // Unreachable, or an answer that is not ZooKeeper's: the server's state is unknown.
      return ServerState.UNKNOWN;
    }
  }

  /** The state a {@code srvr} answer (and, for the leader, a {@code mntr} answer) describes. */
  static ServerState parse(String srvr, String mntr) {
    if (srvr.contains("not currently serving")) {
      return ServerState.NOT_SERVING;
    }
    String mode = field(srvr, "Mode:");
    String zxid = field(srvr, "Zxid:");
    if (mode == null || zxid == null || !zxid.startsWith("0x")) {
      return ServerState.UNKNOWN;
    }
    ServerState.Role role = ServerState.Role.valueOf(mode.toUpperCase(Locale.ROOT));
    String synced = mntr == null ? null : field(mntr, "zk_synced_followers");
    return new ServerState(
        role,
        Long.parseUnsignedLong(zxid.substring(2), 16),
        synced == null ? -1 : Integer.parseInt(synced));
  }

  /** The trimmed rest of the line that starts with {@code key}, or null. */
  private static String field(String text, String key) {
    for (String line : text.split("\n")) {
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim();
      }
    }
    return null;
  }

  private static String ask(InetSocketAddress server, String word) throws IOException {
    if (server.isUnresolved()) {
      throw new IOException(server.getHostString() + " does not resolve");
    }
    try (Socket socket = new Socket()) {
      socket.connect(server, TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
    }
  }
}
