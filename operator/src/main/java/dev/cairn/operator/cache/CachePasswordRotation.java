package dev.cairn.operator.cache;

import dev.cairn.operator.common.PodView;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the running servers (and sentinels) of a CacheCluster from the password they were started
 * with to the one its Secret holds now, live: a pod gets its password from the Secret only when it
 * starts, so without this a rotated Secret leaves clients with the new password refused, and a pod
 * restarted with it unable to replicate from a primary that still wants the old one. Each round,
 * idempotently:
 *
 * <ol>
 *   <li>every server that does not take the new password yet gets it next to the old one ({@code
 *       ACL SETUSER default >new}, AUTH with the old), so clients and replica links holding either
 *       are let in; replicated, each also follows its primary with it ({@code CONFIG SET
 *       masterauth});
 *   <li>replicated, every sentinel gets it as the master's {@code auth-pass};
 *   <li>once all of them hold it, every server drops the old one ({@code CONFIG SET requirepass
 *       new}). Connections already authenticated stay so, as in Redis.
 * </ol>
 *
 * Pods that start meanwhile read the new password from the Secret and fit in at any step.
 */
final class CachePasswordRotation {
  private static final Logger LOG = LoggerFactory.getLogger(CachePasswordRotation.class);

  private final int serverPort;
  private final int sentinelPort;
  private final Duration timeout;

  CachePasswordRotation(int serverPort, int sentinelPort, Duration timeout) {
    this.serverPort = serverPort;
    this.sentinelPort = sentinelPort;
    this.timeout = timeout;
  }

  static CachePasswordRotation standard() {
    return new CachePasswordRotation(
        CacheWorkload.PORT, CacheSentinels.PORT, Duration.ofMillis(500));
  }

  /**
   * One round of the rotation to {@code next}.
   *
   * @param held the passwords the servers may hold now ({@link CachePassword#held})
   * @param sentinels the sentinel pods; empty for a standalone cache
   * @return null once every server accepts only {@code next} (and follows its primary with it, and
   *     the sentinels hold it), else what the rotation waits for
   */
  String rotate(
      String name,
      List<PodView> servers,
      List<PodView> sentinels,
      List<String> held,
      String next,
      boolean replicated) {
    String waiting = null;
    // Every server that answers takes the new password at once, even while another is not ready:
    // the operator's own probes use it.
    for (PodView p : servers) {
      if (p.ip() == null || p.terminating() || !p.ready()) {
        waiting = "pod " + p.name() + " is not ready";
      } else if (!"PONG".equals(server(p, next, "PING")) && !add(name, p, held, next)) {
        waiting = "server " + p.name() + " refuses every password the operator knows";
      } else if (replicated && !"OK".equals(server(p, next, "CONFIG", "SET", "masterauth", next))) {
        waiting = "server " + p.name() + " did not take the new masterauth";
      }
    }
    for (PodView s : sentinels) {
      if (s.ip() == null || s.terminating()) {
        waiting = "sentinel " + s.name() + " is not running";
        continue;
      }
      Object set = sentinel(s, "SENTINEL", "SET", name, "auth-pass", next);
      // one that does not monitor the master yet gets the new password with SENTINEL MONITOR
      if (!"OK".equals(set)
          && sentinel(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name) instanceof List<?>) {
        waiting = "sentinel " + s.name() + " did not take the new auth-pass: " + set;
      }
    }
    if (waiting != null) {
      return waiting;
    }
    for (PodView p : servers) {
      if (!"OK".equals(server(p, next, "CONFIG", "SET", "requirepass", next))) {
        return "server " + p.name() + " did not drop the previous password";
      }
    }
    LOG.info("CacheCluster {}: every server takes the new password only", name);
    return null;
  }

  /** {@code ACL SETUSER default >next}, authenticated with whichever held password works. */
  private boolean add(String name, PodView p, List<String> held, String next) {
    for (String password : held) {
      if ("OK".equals(server(p, password, "ACL", "SETUSER", "default", ">" + next))) {
        LOG.info("CacheCluster {}: {} takes the new password next to the old", name, p.name());
        return true;
      }
    }
    return false;
  }

  private Object server(PodView p, String password, String... args) {
    return Resp.quietly(new InetSocketAddress(p.ip(), serverPort), timeout, password, args);
  }

  private Object sentinel(PodView s, String... args) {
    return Resp.quietly(new InetSocketAddress(s.ip(), sentinelPort), timeout, null, args);
  }
}
