package dev.cairn.operator.cache;

import dev.cairn.operator.common.PodView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the sentinels of a replicated CacheCluster which server is the primary, and does the two
 * things the sentinels cannot do themselves:
 *
 * <ul>
 *   <li><b>Bootstrap.</b> While no sentinel monitors the master, the primary is the server that
 *       already has replicas attached (a cluster whose sentinels all restarted), else pod 0; every
 *       other server that reports itself master gets {@code REPLICAOF <primary> 6379}. Once the
 *       sentinels monitor it they own the roles: a restarted replica that comes up as master is
 *       converted by them, never by the operator, so the operator cannot undo a failover.
 *   <li><b>Monitor.</b> A sentinel that does not monitor the master (first start, or restarted on
 *       its emptyDir) gets {@code SENTINEL MONITOR} with the address the other sentinels name and
 *       the spec's quorum and timings.
 * </ul>
 *
 * Every call is bounded by a short timeout; a pod that does not answer is skipped, never fatal.
 */
final class CacheReplication {
  private static final Logger LOG = LoggerFactory.getLogger(CacheReplication.class);

  private final int serverPort;
  private final int sentinelPort;
  private final Duration timeout;

  CacheReplication(int serverPort, int sentinelPort, Duration timeout) {
    this.serverPort = serverPort;
    this.sentinelPort = sentinelPort;
    this.timeout = timeout;
  }

  static CacheReplication standard() {
    return new CacheReplication(CacheWorkload.PORT, CacheSentinels.PORT, Duration.ofMillis(500));
  }

  /** What one round of asking found; see {@link #observe}. */
  CacheView observe(CacheCluster cache, List<PodView> servers, List<PodView> sentinels) {
    String name = cache.getMetadata().getName();
    CacheSentinel settings = cache.getSpec().sentinels();
    Map<String, String> byIp = new HashMap<>();
    for (PodView p : servers) {
      if (p.ip() != null && !p.terminating()) {
        byIp.put(p.ip(), p.name());
      }
    }

    // 1. What the sentinels say; a sentinel that answers null does not monitor the master yet.
    Map<String, Integer> votes = new HashMap<>();
    List<PodView> unaware = new ArrayList<>();
    int readySentinels = 0;
    for (PodView s : sentinels) {
      if (s.ip() == null || s.terminating()) {
        continue;
      }
      readySentinels += s.ready() ? 1 : 0;
      announce(s);
      Object reply = call(s.ip(), sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name);
      if (reply instanceof List<?> addr && addr.size() == 2) {
        votes.merge(addr.get(0) + ":" + addr.get(1), 1, Integer::sum);
      } else if (reply == null || reply instanceof Resp.Error) {
        unaware.add(s);
      }
    }
    String master =
        votes.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(null);
    String masterIp = master == null ? null : master.substring(0, master.lastIndexOf(':'));

    // 2. Bootstrap while no sentinel knows the master.
    if (masterIp == null) {
      masterIp = bootstrap(servers);
    }
    if (masterIp == null) {
      return new CacheView(null, List.of(), null, readySentinels);
    }

    // 3. Sentinels that do not monitor it yet.
    for (PodView s : unaware) {
      LOG.info("CacheCluster {}: sentinel {} monitors {} at {}", name, s.name(), name, masterIp);
      call(
          s.ip(),
          sentinelPort,
          "SENTINEL",
          "MONITOR",
          name,
          masterIp,
          Integer.toString(serverPort),
          Integer.toString(settings.quorum));
      call(
          s.ip(),
          sentinelPort,
          "SENTINEL",
          "SET",
          name,
          "down-after-milliseconds",
          Long.toString(settings.downAfterMilliseconds),
          "failover-timeout",
          Long.toString(settings.failoverTimeout));
    }

    // 4. The replicas as the primary sees them.
    String primaryPod = byIp.get(masterIp);
    List<CacheReplicaStatus> replicas = new ArrayList<>();
    Long offset = null;
    Map<String, String> info = info(masterIp);
    if (info != null) {
      offset = parseLong(info.get("master_repl_offset"));
      for (Map.Entry<String, String> e : info.entrySet()) {
        if (e.getKey().matches("slave[0-9]+")) {
          Map<String, String> f = fields(e.getValue());
          CacheReplicaStatus r = new CacheReplicaStatus();
          r.pod = byIp.getOrDefault(f.get("ip"), f.get("ip"));
          r.state = f.get("state");
          r.offset = parseLong(f.get("offset"));
          r.lagSeconds = parseLong(f.get("lag"));
          replicas.add(r);
        }
      }
    }
    return new CacheView(primaryPod, replicas, offset, readySentinels);
  }

  /**
   * Makes a sentinel announce its pod IP in its hello messages: bound to every interface it would
   * announce 127.0.0.1, which the other sentinels cannot reach it at.
   */
  private void announce(PodView sentinel) {
    if (call(sentinel.ip(), sentinelPort, "SENTINEL", "CONFIG", "GET", "announce-ip")
            instanceof List<?> kv
        && kv.size() == 2
        && !sentinel.ip().equals(kv.get(1))) {
      call(sentinel.ip(), sentinelPort, "SENTINEL", "CONFIG", "SET", "announce-ip", sentinel.ip());
    }
  }

  private String bootstrap(List<PodView> servers) {
    Map<PodView, Map<String, String>> infos = new LinkedHashMap<>();
    for (PodView p : servers) {
      if (p.ip() != null && !p.terminating()) {
        Map<String, String> info = info(p.ip());
        if (info != null) {
          infos.put(p, info);
        }
      }
    }
    PodView primary =
        infos.entrySet().stream()
            .filter(e -> "master".equals(e.getValue().get("role")))
            .filter(e -> parseLong(e.getValue().get("connected_slaves")) > 0)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(infos.keySet().stream().filter(p -> p.ordinal() == 0).findFirst().orElse(null));
    if (primary == null) {
      return null;
    }
    for (Map.Entry<PodView, Map<String, String>> e : infos.entrySet()) {
      if (e.getKey() != primary && "master".equals(e.getValue().get("role"))) {
        LOG.info("{} replicates from {} ({})", e.getKey().name(), primary.name(), primary.ip());
        call(e.getKey().ip(), serverPort, "REPLICAOF", primary.ip(), Integer.toString(serverPort));
      }
    }
    return primary.ip();
  }

  /**
   * INFO replication of the server at {@code ip} as key → value, or null when it did not answer.
   */
  private Map<String, String> info(String ip) {
    if (!(call(ip, serverPort, "INFO", "replication") instanceof String text)) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /** {@code ip=1.2.3.4,port=6379,state=online,offset=5,lag=0}. */
  private static Map<String, String> fields(String value) {
    Map<String, String> out = new HashMap<>();
    for (String kv : value.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private static Long parseLong(String s) {
    try {
      return s == null ? 0L : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  private Object call(String ip, int port, String... args) {
    try {
      return Resp.call(new InetSocketAddress(ip, port), timeout, args);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}:{} {}: {}", ip, port, args[0], e.toString());
      return new Resp.Error(Objects.toString(e.getMessage(), e.toString()));
    }
  }
}
