package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A failover of password-protected caches: primary and replica have {@code requirepass} and {@code
 * masterauth} (the replica needs it to follow the primary), the sentinel {@code sentinel auth-pass}
 * to monitor, discover and reconfigure them. The primary stopped, the sentinel promotes the
 * replica, which keeps the data and takes writes.
 */
class SentinelAuthFailoverTest {
  private static final String NAME = "vault";
  private static final String PASS = "cache-pass";

  @TempDir Path dir;

  @Test
  void aPasswordProtectedPrimaryFailsOverToItsReplica() throws Exception {
    CacheEngine primary = cache(Map.of());
    CacheEngine replica = cache(Map.of("replicaof", "127.0.0.1 " + port(primary)));
    SentinelEngine sentinel = null;
    try (Jedis p = client(primary);
        Jedis r = client(replica)) {
      p.set("before", "1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> r.info("replication").contains("master_link_status:up"));
      assertThat(p.waitReplicas(1, 5000)).isEqualTo(1);

      sentinel = sentinel(primary, "sentinel auth-pass " + NAME + " " + PASS);
      try (Jedis s = new Jedis("127.0.0.1", sentinel.address().getPort())) {
        // it discovered the replica through the primary's INFO, which needs the password
        await()
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(() -> s.sentinelReplicas(NAME).size() == 1);

        primary.stop(Duration.ZERO);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() ->
                s.sentinelGetMasterAddrByName(NAME).get(1).equals(Integer.toString(port(replica))));
      }
    }
    // the sentinel closed the promoted replica's clients (CLIENT KILL TYPE normal): a new one
    try (Jedis promoted = client(replica)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> promoted.role().get(0).equals("master"));
      assertThat(promoted.get("before")).isEqualTo("1");
      assertThat(promoted.set("after", "2")).isEqualTo("OK");
    } finally {
      if (sentinel != null) {
        sentinel.stop(Duration.ZERO);
      }
      replica.stop(Duration.ZERO);
      primary.stop(Duration.ZERO);
    }
  }

  @Test
  void anAuthPassSetAtRunTimeReachesTheConnectionsAlreadyOpen() throws Exception {
    CacheEngine primary = cache(Map.of());
    CacheEngine replica = cache(Map.of("replicaof", "127.0.0.1 " + port(primary)));
    SentinelEngine sentinel = sentinel(primary);
    try (Jedis p = client(primary);
        Jedis s = new Jedis("127.0.0.1", sentinel.address().getPort())) {
      p.set("k", "v");
      assertThat(p.waitReplicas(1, 10_000)).isEqualTo(1);
      // Without the password its links get NOAUTH: the primary is down to it, no replica known.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> s.sentinelMaster(NAME).get("flags").contains("s_down"));
      assertThat(s.sentinelReplicas(NAME)).isEmpty();

      // What the operator does after SENTINEL MONITOR for a password-protected cache.
      assertThat(s.sentinelSet(NAME, Map.of("auth-pass", PASS))).isEqualTo("OK");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() ->
              s.sentinelReplicas(NAME).size() == 1
                  && !s.sentinelMaster(NAME).get("flags").contains("s_down"));
    } finally {
      sentinel.stop(Duration.ZERO);
      replica.stop(Duration.ZERO);
      primary.stop(Duration.ZERO);
    }
  }

  /** A sentinel with quorum 1 monitoring {@code primary}, plus {@code lines}. */
  private SentinelEngine sentinel(CacheEngine primary, String... lines) throws Exception {
    List<String> all = new ArrayList<>();
    all.add("sentinel monitor " + NAME + " 127.0.0.1 " + port(primary) + " 1");
    all.add("sentinel down-after-milliseconds " + NAME + " 1000");
    all.add("sentinel failover-timeout " + NAME + " 6000");
    all.addAll(List.of(lines));
    return TestSentinels.start(dir, all.toArray(String[]::new));
  }

  private CacheEngine cache(Map<String, String> extra) throws Exception {
    Map<String, String> conf = new HashMap<>(extra);
    conf.put("port", "0");
    conf.put("admin-port", "0");
    conf.put("requirepass", PASS);
    conf.put("masterauth", PASS);
    conf.put("dir", Files.createTempDirectory(dir, "cache").toString());
    CacheEngine e = new CacheEngine(CacheConfig.of(conf));
    e.start();
    return e;
  }

  private static int port(CacheEngine e) {
    return e.address().getPort();
  }

  private static Jedis client(CacheEngine e) {
    Jedis j = new Jedis("127.0.0.1", port(e), 5000);
    j.auth(PASS);
    return j;
  }
}
