package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * MIGRATE between Cairn and Debian's redis-server 7.0, both ways: the keys (several types, a TTL)
 * arrive as DUMP/RESTORE payloads and leave the source unless COPY; and the same MIGRATE lines run
 * on both servers towards a third redis-server give the same replies (NOKEY, BUSYKEY without
 * REPLACE, a refused AUTH, syntax and KEYS errors, a target that does not answer).
 */
class MigrateDifferentialTest {
  @Test
  void migratesBothWaysAndAnswersAsRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    try (ReferenceRedis redis = ReferenceRedis.start("--save", "");
        ReferenceRedis target = ReferenceRedis.start("--save", "")) {
      CacheEngine cairn = new CacheEngine(CacheConfig.forTest(0));
      cairn.start();
      int cairnPort = cairn.address().getPort();
      try (Jedis r = new Jedis("127.0.0.1", redis.port());
          Jedis c = new Jedis("127.0.0.1", cairnPort);
          Jedis t = new Jedis("127.0.0.1", target.port())) {
        // Cairn -> redis-server: moved, with their TTL; COPY leaves the source
        c.set("s", "v");
        c.pexpire("s", 60_000);
        c.rpush("l", "a", "b");
        c.hset("h", "f", "v");
        assertThat(c.migrate("127.0.0.1", redis.port(), 0, 2000, new MigrateParams(), "s", "l"))
            .isEqualTo("OK");
        assertThat(c.exists("s", "l")).isZero();
        assertThat(r.get("s")).isEqualTo("v");
        assertThat(r.pttl("s")).isBetween(1L, 60_000L);
        assertThat(r.lrange("l", 0, -1)).containsExactly("a", "b");
        assertThat(c.migrate("127.0.0.1", redis.port(), "h", 3, 2000)).isEqualTo("OK");
        r.select(3);
        assertThat(r.hget("h", "f")).isEqualTo("v");
        r.select(0);
        assertThat(
                c.migrate("127.0.0.1", redis.port(), 0, 2000, new MigrateParams().copy(), "nosuch"))
            .isEqualTo("NOKEY");
        // redis-server -> Cairn
        r.sadd("set", "x", "y");
        assertThat(r.migrate("127.0.0.1", cairnPort, "set", 0, 2000)).isEqualTo("OK");
        assertThat(c.smembers("set")).containsExactlyInAnyOrder("x", "y");
        assertThat(r.exists("set")).isFalse();

        // the same lines on both sources, towards the third server
        int dead = FreePorts.next();
        String to = "127.0.0.1 " + target.port();
        List<String> lines =
            List.of(
                "SET a 1",
                "SET b 2",
                "MIGRATE " + to + " a 0 1000 COPY",
                "MIGRATE " + to + " a 0 1000 COPY",
                "MIGRATE " + to + " a 0 1000 COPY REPLACE",
                "MIGRATE " + to + " nosuch 0 1000",
                "MIGRATE " + to + " a 0 1000 KEYS b",
                "MIGRATE " + to + " \"\" 0 1000 COPY AUTH pw KEYS a b",
                "MIGRATE " + to + " a 0 1000 AUTH",
                "MIGRATE " + to + " a 0 1000 AUTH2 u",
                "MIGRATE " + to + " a 0 1000 NOSUCH",
                "MIGRATE " + to + " a x 1000",
                "MIGRATE " + to + " a 0 x",
                "MIGRATE " + to + " a 99 1000",
                "MIGRATE 127.0.0.1 " + dead + " a 0 300",
                "MIGRATE " + to + " a 0 1000 REPLACE",
                "EXISTS a b",
                "MIGRATE " + to + " a 0 1000");
        List<String> differences = new ArrayList<>();
        for (String line : lines) {
          t.flushAll();
          String expected = RedisDifferentialTest.run(r, line.replace("\"\"", ""));
          t.flushAll();
          String actual = RedisDifferentialTest.run(c, line.replace("\"\"", ""));
          if (!expected.equals(actual)) {
            differences.add(line + "\n    redis: " + expected + "\n    cairn: " + actual);
          }
        }
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }
}
