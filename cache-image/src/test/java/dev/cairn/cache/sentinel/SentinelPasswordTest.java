package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Sentinels with their own password, as Redis 7.0's: {@code requirepass} in sentinel.conf makes
 * clients AUTH, and the sentinels AUTH to each other with {@code sentinel sentinel-pass} (here on
 * one of them) or else their own requirepass. The votes a failover needs travel over those
 * authenticated links, so a failover with quorum 2 proves them; JedisSentinelPool with a sentinel
 * password and redis-py's Sentinel with {@code sentinel_kwargs={'password': ...}} find the primary
 * before and after it.
 */
class SentinelPasswordTest {
  private static final String NAME = "guarded";
  private static final String PASS = "sentinel-secret";

  @TempDir Path dir;

  private final List<CacheEngine> caches = new ArrayList<>();
  private final List<SentinelEngine> sentinels = new ArrayList<>();

  @AfterEach
  void stop() {
    sentinels.forEach(s -> s.stop(Duration.ZERO));
    caches.forEach(c -> c.stop(Duration.ZERO));
  }

  @Test
  void clientsAndSentinelsAuthenticateAndAFailoverIsVotedThroughThePassword() throws Exception {
    CacheEngine primary = cache("");
    CacheEngine replica = cache("127.0.0.1 " + port(primary));
    for (int i = 0; i < 3; i++) {
      sentinels.add(sentinel(primary, i == 0 ? "sentinel sentinel-pass " + PASS : ""));
    }
    int first = sentinels.get(0).address().getPort();
    try (Jedis anonymous = new Jedis("127.0.0.1", first)) {
      assertThatThrownBy(() -> anonymous.sentinelMasters())
          .isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("NOAUTH");
    }
    try (Jedis p = new Jedis("127.0.0.1", port(primary))) {
      p.set("before", "1");
      assertThat(p.waitReplicas(1, 5000)).isEqualTo(1);
    }
    for (SentinelEngine s : sentinels) {
      try (Jedis j = sentinelClient(s)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() ->
                j.sentinelSentinels(NAME).size() == 2 && j.sentinelReplicas(NAME).size() == 1);
      }
    }
    Set<HostAndPort> addresses = new HashSet<>();
    sentinels.forEach(s -> addresses.add(new HostAndPort("127.0.0.1", s.address().getPort())));
    try (JedisSentinelPool pool =
        new JedisSentinelPool(
            NAME,
            addresses,
            DefaultJedisClientConfig.builder().build(),
            DefaultJedisClientConfig.builder().password(PASS).build())) {
      assertThat(pool.getCurrentHostMaster().getPort()).isEqualTo(port(primary));
      assertThat(python(first)).isEqualTo("127.0.0.1 " + port(primary) + " 1");

      primary.stop(Duration.ZERO);
      for (SentinelEngine s : sentinels) {
        try (Jedis j = sentinelClient(s)) {
          await()
              .atMost(Duration.ofSeconds(12))
              .until(() ->
                  j.sentinelGetMasterAddrByName(NAME)
                      .get(1)
                      .equals(Integer.toString(port(replica))));
        }
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> pool.getCurrentHostMaster().getPort() == port(replica));
    }
    assertThat(python(first)).isEqualTo("127.0.0.1 " + port(replica) + " 1");
  }

  /**
   * redis-py's Sentinel with the sentinels' password: "host port value-of-before", after writing
   * through master_for.
   */
  private String python(int sentinelPort) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(
        Files.isExecutable(python)
            && new ProcessBuilder(python.toString(), "-c", "import redis").start().waitFor() == 0,
        "python3-redis not installed");
    String script =
        String.join(
            "\n",
            "import sys",
            "from redis.sentinel import Sentinel",
            "s = Sentinel([('127.0.0.1', int(sys.argv[1]))], socket_timeout=5,",
            "             sentinel_kwargs={'password': sys.argv[2]})",
            "host, port = s.discover_master('" + NAME + "')",
            "m = s.master_for('" + NAME + "', socket_timeout=5)",
            "m.set('py', 'x')",
            "print(host, port, m.get('before').decode())");
    Process p =
        new ProcessBuilder(python.toString(), "-c", script, Integer.toString(sentinelPort), PASS)
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private Jedis sentinelClient(SentinelEngine s) {
    Jedis j = new Jedis("127.0.0.1", s.address().getPort(), 5000);
    j.auth(PASS);
    return j;
  }

  private SentinelEngine sentinel(CacheEngine primary, String line) throws Exception {
    SentinelEngine s =
        TestSentinels.start(
            dir,
            "requirepass " + PASS,
            line,
            "sentinel monitor " + NAME + " 127.0.0.1 " + port(primary) + " 2",
            "sentinel down-after-milliseconds " + NAME + " 1000",
            "sentinel failover-timeout " + NAME + " 5000");
    if (!line.isEmpty()) {
      // kept by the rewrite
      assertThat(String.join("\n", Files.readAllLines(s.config().file))).contains(line);
    }
    return s;
  }

  private CacheEngine cache(String replicaOf) throws Exception {
    var conf = new java.util.HashMap<String, String>();
    conf.put("port", "0");
    conf.put("admin-port", "0");
    conf.put("dir", Files.createTempDirectory(dir, "cache").toString());
    if (!replicaOf.isEmpty()) {
      conf.put("replicaof", replicaOf);
    }
    CacheEngine e = new CacheEngine(CacheConfig.of(conf));
    e.start();
    caches.add(e);
    return e;
  }

  private static int port(CacheEngine e) {
    return e.address().getPort();
  }
}
