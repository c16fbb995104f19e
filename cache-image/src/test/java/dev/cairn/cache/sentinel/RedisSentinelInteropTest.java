package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.FreePorts;
import dev.cairn.common.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-sentinel 7.0 ({@code redis-server --sentinel}) and a Cairn sentinel watch a Cairn
 * primary and a Cairn replica together: each discovers the other through the hello messages on the
 * Cairn servers (and IS-MASTER-DOWN-BY-ADDR between them), the primary stops, the two agree it is
 * down (quorum 2), one of them fails over to the Cairn replica — answering Redis's MULTI /
 * REPLICAOF NO ONE / CONFIG REWRITE / CLIENT KILL / EXEC — and both then name it.
 */
class RedisSentinelInteropTest {
  private static final Path REDIS = Path.of("/usr/bin/redis-server");
  private static final String NAME = "mixed";

  @TempDir Path dir;

  private final List<CacheEngine> caches = new ArrayList<>();
  private SentinelEngine cairnSentinel;
  private Process redisSentinel;

  @AfterEach
  void stop() throws Exception {
    if (redisSentinel != null) {
      redisSentinel.destroyForcibly().waitFor();
    }
    if (cairnSentinel != null) {
      cairnSentinel.stop(Duration.ZERO);
    }
    caches.forEach(c -> c.stop(Duration.ZERO));
  }

  private CacheEngine cache(String replicaOf) throws Exception {
    Map<String, String> conf = new HashMap<>();
    conf.put("port", "0");
    conf.put("admin-port", "0");
    conf.put("dir", Files.createTempDirectory(dir, "cache").toString());
    if (replicaOf != null) {
      conf.put("replicaof", replicaOf);
    }
    CacheEngine e = new CacheEngine(CacheConfig.of(conf));
    e.start();
    caches.add(e);
    return e;
  }

  private static String monitorLines(int port) {
    return "sentinel monitor "
        + NAME
        + " 127.0.0.1 "
        + port
        + " 2\nsentinel down-after-milliseconds "
        + NAME
        + " 1000\nsentinel failover-timeout "
        + NAME
        + " 5000\n";
  }

  @Test
  void redisSentinelAndCairnSentinelFailOverACairnPrimaryTogether() throws Exception {
    assumeTrue(Files.isExecutable(REDIS), "redis-server not installed");
    CacheEngine primary = cache(null);
    int primaryPort = primary.address().getPort();
    CacheEngine replica = cache("127.0.0.1 " + primaryPort);
    int replicaPort = replica.address().getPort();
    try (Jedis p = new Jedis("127.0.0.1", primaryPort)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> p.info("replication").contains("state=online"));
      p.set("before", "1");
      assertThat(p.waitReplicas(1, 5000)).isEqualTo(1);
    }

    int redisPort = FreePorts.next();
    Path redisConf = dir.resolve("redis-sentinel.conf");
    Files.writeString(
        redisConf,
        "port " + redisPort + "\nbind 127.0.0.1\ndir " + dir + "\n" + monitorLines(primaryPort));
    redisSentinel =
        new ProcessBuilder(REDIS.toString(), redisConf.toString(), "--sentinel")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-sentinel.log").toFile())
            .start();
    Path cairnConf = dir.resolve("cairn-sentinel.conf");
    Files.writeString(cairnConf, "port 0\nadmin-port 0\n" + monitorLines(primaryPort));
    cairnSentinel =
        new SentinelEngine(
            SentinelConfig.fromArgs(new String[] {cairnConf.toString()}), Clock.system());
    cairnSentinel.start();

    try (Jedis redis = new Jedis("127.0.0.1", redisPort);
        Jedis cairn = new Jedis("127.0.0.1", cairnSentinel.address().getPort())) {
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(() ->
              redis.sentinelSentinels(NAME).size() == 1
                  && cairn.sentinelSentinels(NAME).size() == 1
                  && redis.sentinelReplicas(NAME).size() == 1
                  && cairn.sentinelReplicas(NAME).size() == 1);
      assertThat(redis.sentinelSentinels(NAME).get(0))
          .containsEntry("port", Integer.toString(cairnSentinel.address().getPort()))
          .containsEntry("runid", cairn.sentinelMyId());
      assertThat(cairn.sentinelSentinels(NAME).get(0))
          .containsEntry("port", Integer.toString(redisPort));

      primary.stop(Duration.ZERO);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() ->
              redis.sentinelGetMasterAddrByName(NAME).get(1).equals(Integer.toString(replicaPort))
                  && cairn
                      .sentinelGetMasterAddrByName(NAME)
                      .get(1)
                      .equals(Integer.toString(replicaPort)));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage()
              + "\nredis-sentinel log:\n"
              + Files.readString(dir.resolve("redis-sentinel.log")),
          e);
    }
    try (Jedis r = new Jedis("127.0.0.1", replicaPort)) {
      assertThat(r.role().get(0)).isEqualTo("master");
      assertThat(r.get("before")).isEqualTo("1");
      assertThat(r.set("after", "2")).isEqualTo("OK");
    }
  }
}
