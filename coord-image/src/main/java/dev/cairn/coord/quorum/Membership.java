package dev.cairn.coord.quorum;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One configuration of the ensemble, ZooKeeper's {@code QuorumVerifier} with majority quorums: the
 * servers by id and the version, the zxid of the reconfig txn that made it (0 for the one zoo.cfg
 * lists). Its text is what ZooKeeper writes to {@code /zookeeper/config}: one {@code server.N=spec}
 * line per server in id order, then {@code version=<hex>}.
 */
public record Membership(long version, SortedMap<Integer, ServerSpec> servers) {

  public Membership {
    servers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(servers));
  }

  public static Membership of(long version, Map<Integer, ServerSpec> servers) {
    return new Membership(version, new TreeMap<>(servers));
  }

  /**
   * Reads {@code server.N=spec} and {@code version=hex} lines (commas count as line breaks, as in a
   * non-incremental reconfig); {@code defaultVersion} when there is no version line. Throws
   * IllegalArgumentException naming the bad line.
   */
  public static Membership parse(String text, long defaultVersion) {
    Map<Integer, ServerSpec> servers = new TreeMap<>();
    long version = defaultVersion;
    for (String raw : text.replace(',', '\n').split("\n")) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + line + "' is not key=value");
      }
      String key = line.substring(0, eq).trim();
      String value = line.substring(eq + 1).trim();
      if (key.equals("version")) {
        version = Long.parseUnsignedLong(value, 16);
      } else if (key.startsWith("server.")) {
        servers.put(serverId(key), ServerSpec.parse(value));
      } else {
        throw new IllegalArgumentException("unexpected key '" + key + "' in a configuration");
      }
    }
    return of(version, servers);
  }

  /** The N of a {@code server.N} key, in [0, 255] as zoo.cfg allows. */
  public static int serverId(String key) {
    try {
      int id = Integer.parseInt(key.substring(key.lastIndexOf('.') + 1).trim());
      if (id < 0 || id > 255) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "' is not server.N with N in [0, 255]");
    }
  }

  public Membership withVersion(long newVersion) {
    return new Membership(newVersion, servers);
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

  public boolean isVoter(int id) {
    ServerSpec s = servers.get(id);
    return s != null && !s.observer();
  }

  public boolean isObserver(int id) {
    ServerSpec s = servers.get(id);
    return s != null && s.observer();
  }

  /** Whether {@code ids} hold a majority of the voters. */
  public boolean isQuorum(Collection<Integer> ids) {
    int votes = 0;
    for (int id : new TreeSet<>(ids)) {
      if (isVoter(id)) {
        votes++;
      }
    }
    return votes * 2 > voters().size();
  }

  /** Same servers, whatever the versions. */
  public boolean sameServers(Membership other) {
    return servers.equals(other.servers);
  }

  /** The dynamic config file's content as ZooKeeper writes it: sorted lines, no version. */
  public String dynamicFileText() {
    Set<String> lines = new TreeSet<>();
    servers.forEach((id, s) -> lines.add("server." + id + "=" + s));
    return String.join("\n", lines);
  }

  /** ZooKeeper's {@code QuorumMaj.toString()}: the {@code /zookeeper/config} data. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    servers.forEach((id, s) -> out.append("server.").append(id).append('=').append(s).append('\n'));
    return out.append("version=").append(Long.toHexString(version)).toString();
  }
}
