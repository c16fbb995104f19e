package dev.cairn.operator.cache;

import dev.cairn.operator.common.PodView;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the sentinels of a replicated CacheCluster which server is the primary, and does what the
 * sentinels cannot do themselves:
 *
 * <ul>
 *   <li><b>Bootstrap.</b> While no sentinel monitors the master, the primary is the server that
 *       already has replicas attached (a cluster whose sentinels all restarted), else pod 0; every
 *       other server that reports itself master or follows {@link #NO_PRIMARY} gets {@code
 *       REPLICAOF <primary> 6379}. Once the sentinels monitor it they own the roles.
 *   <li><b>Placement.</b> Servers start as replicas of {@link #NO_PRIMARY}; one that still follows
 *       it (restarted) becomes a replica of the primary the sentinels name, or, when it is that
 *       primary, is failed over. Only such servers are touched, so the operator cannot undo a
 *       failover.
 *   <li><b>Monitor.</b> A sentinel that does not monitor the master (first start, or restarted on
 *       its emptyDir) gets {@code SENTINEL MONITOR} with the address the other sentinels name and
 *       the spec's quorum and timings.
 *   <li><b>Hand-over</b> before the primary's pod restarts ({@link #handOver}).
 *   <li><b>Forgetting removed replicas.</b> Sentinels never forget a replica; after a scale-down,
 *       or a pod back at another address, one that lists it gets {@code SENTINEL RESET} ({@link
 *       SentinelReset}), and restarts wait until every sentinel knows the live replicas and the
 *       other sentinels again.
 * </ul>
 *
 * Every call is bounded by a short timeout; a pod that does not answer is skipped, never fatal.
 */
final class CacheReplication {
  private static final Logger LOG = LoggerFactory.getLogger(CacheReplication.class);

  /**
   * How long writes wait on a primary handed over: longer than a failover among healthy sentinels
   * takes (about a second), bounded so a failover that never happens costs seconds, not minutes.
   */
  static final long HAND_OVER_PAUSE_MILLIS = 10_000;

  /**
   * What the servers of a replicated cache start as replicas of: an address nothing listens on
   * (port 1 of loopback), so a server starts read-only and waits to be placed. Started as a
   * primary, a restarted primary pod (back at once, in the local cluster at the same address) would
   * take writes its reconnecting replicas acknowledge, while the sentinels promote a replica that
   * lacks them: acknowledged writes lost. Placed by the operator: at bootstrap, as the primary or a
   * replica of it; later, a replica of the primary the sentinels name, or, when it is that primary
   * itself, through a failover to a replica.
   */
  static final String NO_PRIMARY = "127.0.0.1 1";

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

  /**
   * What one round of asking found; see the class comment.
   *
   * @param password the servers' requirepass (spec.auth), null when they have none; the operator
   *     AUTHs with it and gives it to the sentinels as the master's auth-pass
   */
  CacheView observe(
      CacheCluster cache, List<PodView> servers, List<PodView> sentinels, String password) {
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
      Object reply = sentinel(s.ip(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name);
      if (reply instanceof List<?> addr && addr.size() == 2) {
        votes.merge(addr.get(0) + ":" + addr.get(1), 1, Integer::sum);
        retime(s, name, settings);
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
      masterIp = bootstrap(servers, password);
    }
    if (masterIp == null) {
      return CacheView.none(readySentinels, sentinels, "no primary is known yet");
    }

    // 3. Sentinels that do not monitor it yet.
    for (PodView s : unaware) {
      LOG.info("CacheCluster {}: sentinel {} monitors {} at {}", name, s.name(), name, masterIp);
      sentinel(
          s.ip(),
          "SENTINEL",
          "MONITOR",
          name,
          masterIp,
          Integer.toString(serverPort),
          Integer.toString(settings.quorum));
      sentinel(
          s.ip(),
          "SENTINEL",
          "SET",
          name,
          "down-after-milliseconds",
          Long.toString(settings.downAfterMilliseconds),
          "failover-timeout",
          Long.toString(settings.failoverTimeout));
      if (password != null) {
        // A separate SET: its reply must not be confused with the timings' in the log.
        sentinel(s.ip(), "SENTINEL", "SET", name, "auth-pass", password);
      }
    }

    // 4. Servers still waiting to be placed (restarted): replicas of the primary, or, for the
    // primary itself, a failover, since it comes back without the role.
    String primaryPod = byIp.get(masterIp);
    place(name, servers, sentinels, masterIp, password);

    // 5. The replicas as the primary sees them.
    List<CacheReplicaStatus> replicas = new ArrayList<>();
    Set<String> liveReplicaIps = new HashSet<>();
    Long offset = null;
    Map<String, String> info = info(masterIp, password);
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
          if ("online".equals(r.state)) {
            liveReplicaIps.add(f.get("ip"));
          }
        }
      }
    }
    long online = replicas.stream().filter(r -> "online".equals(r.state)).count();
    long expected = byIp.size() - 1;
    String missing =
        primaryPod == null
            ? "the primary the sentinels name (" + masterIp + ") is no cache pod"
            : online < expected
                ? online + " of " + expected + " replicas are online with the primary " + primaryPod
                : null;
    // 6. Sentinels that still list a removed replica, one reset at a time.
    String unsettled = forgetRemoved(name, servers, sentinels, masterIp, liveReplicaIps);
    return new CacheView(
        primaryPod,
        replicas,
        offset,
        readySentinels,
        masterIp,
        sentinels,
        missing != null ? missing : unsettled,
        null);
  }

  private void place(
      String name,
      List<PodView> servers,
      List<PodView> sentinels,
      String masterIp,
      String password) {
    for (PodView p : servers) {
      if (p.ip() == null || p.terminating()) {
        continue;
      }
      Map<String, String> info = info(p.ip(), password);
      if (info == null || !unplaced(info)) {
        continue;
      }
      if (!p.ip().equals(masterIp)) {
        LOG.info("{} restarted: replicates from the primary {}", p.name(), masterIp);
        server(p.ip(), password, "REPLICAOF", masterIp, Integer.toString(serverPort));
        continue;
      }
      // The sentinels would fail it over too, once it has reported a replica's role for longer
      // than down-after-milliseconds plus two INFO periods; asking spares clients that wait.
      for (PodView s : sentinels) {
        if (s.ip() != null && s.ready() && !s.terminating()) {
          Object reply = sentinel(s.ip(), "SENTINEL", "FAILOVER", name);
          LOG.info(
              "CacheCluster {}: primary {} restarted without its role; SENTINEL FAILOVER by {}: {}",
              name,
              p.name(),
              s.name(),
              reply);
          break;
        }
      }
    }
  }

  /**
   * Asks every sentinel what it knows ({@link SentinelSight}) and resets at most one that still
   * lists a removed replica ({@link SentinelReset#plan}).
   *
   * @return why a restart must wait for the sentinels, or null
   */
  private String forgetRemoved(
      String name,
      List<PodView> servers,
      List<PodView> sentinels,
      String masterIp,
      Set<String> liveReplicaIps) {
    Set<String> serverIps = new HashSet<>();
    boolean serversSettled = true;
    for (PodView p : servers) {
      if (p.ip() != null) {
        serverIps.add(p.ip()); // terminating ones too: a restart in progress is not a removal
      }
      serversSettled &=
          p.ip() != null
              && p.ready()
              && !p.terminating()
              && (p.ip().equals(masterIp) || liveReplicaIps.contains(p.ip()));
    }
    Set<String> sentinelIps = new HashSet<>();
    List<SentinelSight> sights = new ArrayList<>();
    for (PodView s : sentinels) {
      if (s.ip() == null || s.terminating()) {
        continue;
      }
      sentinelIps.add(s.ip());
      SentinelSight sight =
          SentinelSight.of(
              s,
              sentinel(s.ip(), "SENTINEL", "MASTER", name),
              sentinel(s.ip(), "SENTINEL", "REPLICAS", name),
              sentinel(s.ip(), "SENTINEL", "SENTINELS", name));
      if (sight != null) {
        sights.add(sight);
      }
    }
    SentinelReset plan =
        SentinelReset.plan(
            sights,
            sentinelIps.size(),
            masterIp,
            serverIps,
            serversSettled,
            liveReplicaIps,
            sentinelIps);
    if (plan.reset() != null) {
      Object reply = sentinel(plan.reset().pod().ip(), "SENTINEL", "RESET", name);
      LOG.info(
          "CacheCluster {}: sentinel {} lists the removed replica {}; SENTINEL RESET: {}",
          name,
          plan.reset().pod().name(),
          plan.removed(),
          reply);
      return "sentinel " + plan.reset().pod().name() + " was reset and rediscovers";
    }
    return plan.unsettled();
  }

  /** Whether a server's INFO says it still follows {@link #NO_PRIMARY}. */
  private static boolean unplaced(Map<String, String> info) {
    return "slave".equals(info.get("role"))
        && (info.get("master_host") + " " + info.get("master_port")).equals(NO_PRIMARY);
  }

  /**
   * Gives a sentinel that monitors the master the spec's quorum and timings when they differ: a
   * change of spec.sentinel applies without restarting a sentinel.
   */
  private void retime(PodView s, String name, CacheSentinel settings) {
    if (!(sentinel(s.ip(), "SENTINEL", "MASTER", name) instanceof List<?> flat)) {
      return;
    }
    Map<String, String> now = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      now.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    List<String> set = new ArrayList<>(List.of("SENTINEL", "SET", name));
    Map<String, String> wanted =
        Map.of(
            "quorum", Integer.toString(settings.quorum),
            "down-after-milliseconds", Long.toString(settings.downAfterMilliseconds),
            "failover-timeout", Long.toString(settings.failoverTimeout));
    wanted.forEach((option, value) -> {
      if (!value.equals(now.get(option))) {
        set.add(option);
        set.add(value);
      }
    });
    if (set.size() > 3) {
      LOG.info("CacheCluster {}: sentinel {} {}", name, s.name(), set.subList(3, set.size()));
      sentinel(s.ip(), set.toArray(String[]::new));
    }
  }

  /**
   * A planned failover away from the primary before its pod restarts, so clients lose the primary
   * for no longer than a failover: writes are paused on the primary ({@code CLIENT PAUSE WRITE}),
   * then, once every replica has acknowledged the primary's whole stream, a sentinel is asked for
   * {@code SENTINEL FAILOVER}. Whichever replica it promotes holds every write, so none is lost;
   * writes held by the pause run after the demotion and fail with READONLY, unacknowledged, and
   * Sentinel-aware clients move on at {@code +switch-master}. Nothing is done while a failover is
   * under way; the pause is lifted when the replicas do not catch up or the sentinel refuses.
   *
   * @return what happened, for the Progressing condition
   */
  String handOver(CacheCluster cache, CacheView view, String password) {
    String name = cache.getMetadata().getName();
    PodView sentinel =
        view.sentinels().stream()
            .filter(s -> s.ip() != null && s.ready() && !s.terminating())
            .findFirst()
            .orElse(null);
    if (sentinel == null) {
      return "no sentinel is ready to fail over with";
    }
    if (sentinel(sentinel.ip(), "SENTINEL", "MASTER", name) instanceof List<?> flat
        && SentinelSight.fields(flat).getOrDefault("flags", "").contains("failover_in_progress")) {
      return "a failover is in progress";
    }
    String primary = view.primaryIp();
    Map<String, String> info = info(primary, password);
    if (info == null || !"master".equals(info.get("role"))) {
      return "the primary does not answer as master";
    }
    Object paused =
        server(
            primary, password, "CLIENT", "PAUSE", Long.toString(HAND_OVER_PAUSE_MILLIS), "WRITE");
    if (paused instanceof Resp.Error e) {
      return "CLIENT PAUSE refused: " + e.message();
    }
    List<String> replicas = caughtUp(primary, password);
    if (replicas == null) {
      server(primary, password, "CLIENT", "UNPAUSE");
      return "the replicas did not catch up with the paused primary in time; retrying";
    }
    if (sentinel(sentinel.ip(), "SENTINEL", "FAILOVER", name) instanceof Resp.Error e) {
      server(primary, password, "CLIENT", "UNPAUSE");
      return "SENTINEL FAILOVER refused: " + e.message();
    }
    LOG.info(
        "CacheCluster {}: planned failover away from {} by sentinel {}",
        name,
        view.primaryPod(),
        sentinel.name());
    String promoted = promoted(replicas, password);
    if (promoted == null) {
      return "SENTINEL FAILOVER " + name + " started by " + sentinel.name();
    }
    // The sentinels would convert the old primary only after its INFO has said "master" for some
    // seconds (up to about 20 s), longer than the pause: clients still connected to it would have
    // writes acknowledged that the new primary never sees. Demoted now, while its writes are
    // paused, those writes fail with READONLY instead.
    server(primary, password, "REPLICAOF", promoted, Integer.toString(serverPort));
    LOG.info(
        "CacheCluster {}: {} follows the promoted replica {}", name, view.primaryPod(), promoted);
    return "SENTINEL FAILOVER "
        + name
        + " started by "
        + sentinel.name()
        + ", "
        + promoted
        + " promoted";
  }

  /**
   * The addresses of the primary's replicas once every one has acknowledged its whole stream,
   * within 3 s; null when they did not.
   */
  private List<String> caughtUp(String primary, String password) {
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    do {
      Map<String, String> info = info(primary, password);
      if (info != null) {
        String offset = info.get("master_repl_offset");
        List<Map<String, String>> replicas =
            info.entrySet().stream()
                .filter(e -> e.getKey().matches("slave[0-9]+"))
                .map(e -> fields(e.getValue()))
                .toList();
        if (!replicas.isEmpty()
            && replicas.stream().allMatch(r -> Objects.equals(r.get("offset"), offset))) {
          return replicas.stream().map(r -> r.get("ip")).toList();
        }
      }
      if (!pause()) {
        return null;
      }
    } while (System.nanoTime() < end);
    return null;
  }

  /** Which of these replicas the sentinels promoted (reports itself master), within 5 s. */
  private String promoted(List<String> replicas, String password) {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      for (String ip : replicas) {
        Map<String, String> info = info(ip, password);
        if (info != null && "master".equals(info.get("role"))) {
          return ip;
        }
      }
      if (!pause()) {
        return null;
      }
    } while (System.nanoTime() < end);
    return null;
  }

  private static boolean pause() {
    try {
      Thread.sleep(100);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Makes a sentinel announce its pod IP in its hello messages: bound to every interface it would
   * announce 127.0.0.1, which the other sentinels cannot reach it at.
   */
  private void announce(PodView pod) {
    if (sentinel(pod.ip(), "SENTINEL", "CONFIG", "GET", "announce-ip") instanceof List<?> kv
        && kv.size() == 2
        && !pod.ip().equals(kv.get(1))) {
      sentinel(pod.ip(), "SENTINEL", "CONFIG", "SET", "announce-ip", pod.ip());
    }
  }

  private String bootstrap(List<PodView> servers, String password) {
    Map<PodView, Map<String, String>> infos = new LinkedHashMap<>();
    for (PodView p : servers) {
      if (p.ip() != null && !p.terminating()) {
        Map<String, String> info = info(p.ip(), password);
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
    if (!"master".equals(infos.get(primary).get("role"))) {
      LOG.info("{} ({}) becomes the primary", primary.name(), primary.ip());
      server(primary.ip(), password, "REPLICAOF", "NO", "ONE");
    }
    for (Map.Entry<PodView, Map<String, String>> e : infos.entrySet()) {
      if (e.getKey() != primary
          && ("master".equals(e.getValue().get("role")) || unplaced(e.getValue()))) {
        LOG.info("{} replicates from {} ({})", e.getKey().name(), primary.name(), primary.ip());
        server(e.getKey().ip(), password, "REPLICAOF", primary.ip(), Integer.toString(serverPort));
      }
    }
    return primary.ip();
  }

  /**
   * INFO replication of the server at {@code ip} as key → value, or null when it did not answer.
   */
  private Map<String, String> info(String ip, String password) {
    if (!(server(ip, password, "INFO", "replication") instanceof String text)) {
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

  /** A command to the cache server at {@code ip}, after AUTH when it has a password. */
  private Object server(String ip, String password, String... args) {
    return call(ip, serverPort, password, args);
  }

  /** A command to a sentinel (they take no password: see docs/resources/cachecluster.md). */
  private Object sentinel(String ip, String... args) {
    return call(ip, sentinelPort, null, args);
  }

  private Object call(String ip, int port, String password, String... args) {
    return Resp.quietly(new InetSocketAddress(ip, port), timeout, password, args);
  }
}
