package dev.cairn.coord.quorum;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ensemble as zoo.cfg describes it ({@code server.N=host:peerPort:electionPort[:role][;...]})
 * with this server's id from {@code dataDir/myid}, as ZooKeeper reads them; {@link
 * MyIdFromHostname} may write that file first.
 *
 * @param myId this server's id
 * @param servers every server's quorum and election addresses and role, by id
 */
public record EnsembleConfig(int myId, Map<Integer, Server> servers) {

  /** One {@code server.N} line. */
  public record Server(InetSocketAddress quorum, InetSocketAddress election, boolean observer) {}

  /**
   * The ensemble of a zoo.cfg, or null when it describes a standalone server (no or one {@code
   * server.N} line, as ZooKeeper's {@code standaloneEnabled}).
   *
   * @param env the process environment, read by {@link MyIdFromHostname}
   */
  public static EnsembleConfig read(
      Map<Integer, String> lines, Path dataDir, Map<String, String> env) throws IOException {
    if (lines.size() <= 1) {
      return null;
    }
    MyIdFromHostname.apply(env, dataDir);
    Map<Integer, Server> servers = new LinkedHashMap<>();
    lines.forEach((id, line) -> servers.put(id, parse(id, line)));
    int myId = readMyId(dataDir);
    if (!servers.containsKey(myId)) {
      throw new IllegalArgumentException(
          "myid "
              + myId
              + " (in "
              + dataDir.resolve("myid")
              + ") is not one of the servers in the configuration: "
              + new TreeSet<>(servers.keySet()));
    }
    return new EnsembleConfig(myId, Map.copyOf(servers));
  }

  private static Server parse(int id, String line) {
    String[] parts = line.split(";", 2)[0].split(":");
    String host = parts[0];
    int quorumPort = Integer.parseInt(parts[1]);
    int electionPort = Integer.parseInt(parts[2]);
    boolean observer = parts.length > 3 && "observer".equalsIgnoreCase(parts[3]);
    return new Server(
        new InetSocketAddress(host, quorumPort),
        new InetSocketAddress(host, electionPort),
        observer);
  }

  private static int readMyId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("myid");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          file + " is missing: an ensemble member needs its server id there, as in ZooKeeper");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " does not hold a server id: '" + text + "'");
    }
  }

  public Set<Integer> voters() {
    Set<Integer> ids = new TreeSet<>();
    servers.forEach((id, s) -> {
      if (!s.observer()) {
        ids.add(id);
      }
    });
    return ids;
  }

  public Set<Integer> observers() {
    Set<Integer> ids = new TreeSet<>(servers.keySet());
    ids.removeAll(voters());
    return ids;
  }

  public Map<Integer, InetSocketAddress> quorumAddresses() {
    Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
    servers.forEach((id, s) -> addresses.put(id, s.quorum()));
    return addresses;
  }

  public Map<Integer, InetSocketAddress> electionAddresses() {
    Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
    servers.forEach((id, s) -> addresses.put(id, s.election()));
    return addresses;
  }
}
