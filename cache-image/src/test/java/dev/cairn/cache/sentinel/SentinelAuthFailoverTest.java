package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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

      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "port 0",
              "admin-port 0",
              "sentinel monitor " + NAME + " 127.0.0.1 " + port(primary) + " 1",
              "sentinel down-after-milliseconds " + NAME + " 1000",
              "sentinel failover-timeout " + NAME + " 6000",
              "sentinel auth-pass " + NAME + " " + PASS,
              ""));
      sentinel =
          new SentinelEngine(
              SentinelConfig.fromArgs(new String[] {conf.toString()}), Clock.system());
      sentinel.start();
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
