package dev.cairn.cache.it;

import static dev.cairn.cache.it.ReplicationChecks.caughtUp;
import static dev.cairn.cache.it.ReplicationChecks.client;
import static dev.cairn.cache.it.ReplicationChecks.field;
import static dev.cairn.cache.it.ReplicationChecks.info;
import static dev.cairn.cache.it.ReplicationChecks.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * masterauth and masteruser: a replica authenticates to a primary with requirepass or an ACL user
 * before REPLCONF and PSYNC, in both directions with Debian's redis-server 7.0. A wrong password
 * keeps the link down and is retried every second; CONFIG SET masterauth fixes it without a
 * restart.
 */
class ReplicationAuthTest {
  private static final String SECRET = "s3cret-pass";

  @TempDir Path dir;

  @Test
  void cairnReplicaRetriesAWrongMasterauthUntilConfigSetFixesIt() throws Exception {
    try (RedisProcess redis =
            RedisProcess.start(dir, "--requirepass", SECRET, "--repl-diskless-sync-delay", "0");
        Jedis r = redis.client()) {
      r.auth(SECRET);
      InteropDataset.populate(r);
      CacheEngine cairn =
          cairn(Map.of("replicaof", "127.0.0.1 " + redis.port(), "masterauth", "wrong"));
      try (Jedis c = client(cairn)) {
        // Redis counts each refused AUTH: two of them are the first attempt and a retry
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (wrongPasswords(r) < 2) {
          assertThat(System.nanoTime()).as("AUTH retried").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(info(c, "master_link_status")).isEqualTo("down");
        assertThat(c.dbSize()).isZero();

        assertThat(c.configSet("masterauth", SECRET)).isEqualTo("OK");
        caughtUp(r, c);
        InteropDataset.assertSameData(r, c, true);
        r.set("after", "auth");
        caughtUp(r, c);
        assertThat(c.get("after")).isEqualTo("auth");
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  @Test
  void redisReplicaAuthenticatesToACairnPrimaryWithRequirepass() throws Exception {
    CacheEngine cairn = cairn(Map.of("requirepass", SECRET));
    try (Jedis c = client(cairn)) {
      c.auth(SECRET);
      InteropDataset.populate(c);
      try (RedisProcess redis =
              RedisProcess.start(
                  dir,
                  "--replicaof",
                  "127.0.0.1",
                  Integer.toString(port(cairn)),
                  "--masterauth",
                  "wrong");
          Jedis r = redis.client()) {
        Path log = dir.resolve("redis-" + redis.port() + ".log");
        // Cairn refuses it with Redis's own words, which redis-server logs
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(log)
            .contains(
                "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is"
                    + " disabled.")) {
          assertThat(System.nanoTime()).as("redis-server's AUTH refused").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(info(r, "master_link_status")).isEqualTo("down");

        assertThat(r.configSet("masterauth", SECRET)).isEqualTo("OK");
        caughtUp(c, r);
        InteropDataset.assertSameData(c, r, true);
        c.set("after", "auth");
        assertThat(c.waitReplicas(1, 5000)).isEqualTo(1);
      }
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  @Test
  void cairnReplicaAuthenticatesAsMasteruserWithOnlyTheReplicationCommands() throws Exception {
    CacheEngine primary = cairn(Map.of("requirepass", "not-the-replicas"));
    CacheEngine replica = cairn(Map.of());
    try (Jedis p = client(primary);
        Jedis c = client(replica)) {
      p.auth("not-the-replicas");
      assertThat(p.aclSetUser("replicator", "on", ">" + SECRET, "+psync", "+replconf", "+ping"))
          .isEqualTo("OK");
      p.set("k", "v");
      c.configSet("masteruser", "replicator");
      c.configSet("masterauth", SECRET);
      assertThat(c.replicaof("127.0.0.1", port(primary))).isEqualTo("OK");
      caughtUp(p, c);
      assertThat(c.get("k")).isEqualTo("v");
      assertThat(c.configGet("masteruser")).containsEntry("masteruser", "replicator");
    } finally {
      replica.stop(Duration.ZERO);
      primary.stop(Duration.ZERO);
    }
  }

  private static long wrongPasswords(Jedis r) {
    String stat = field(r.info("errorstats"), "errorstat_WRONGPASS");
    return stat == null ? 0 : Long.parseLong(stat.substring("count=".length()));
  }

  private CacheEngine cairn(Map<String, String> extra) throws Exception {
    return ReplicationChecks.cairn(dir, extra);
  }
}
