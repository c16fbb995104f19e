package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Existing redis.conf files start the cache: Debian's stock one, and one listing every key of
 * redis-server 7.0.15 at its default — after which CONFIG GET * answers exactly as redis-server.
 */
class RedisConfTest {
  @TempDir Path dir;

  /** The stock file with only what a loopback test must change rewritten. */
  @Test
  void debiansStockRedisConfStartsTheCache() throws Exception {
    Path stock = Path.of("/etc/redis/redis.conf");
    assumeTrue(Files.isReadable(stock), "Debian's redis-server not installed");
    int port = FreePorts.next();
    Map<String, String> loopback =
        Map.of(
            "port", Integer.toString(port),
            "bind", "127.0.0.1",
            "dir", dir.toString(),
            "daemonize", "no",
            "pidfile", "\"\"",
            "logfile", "\"\"");
    List<String> lines =
        Files.readAllLines(stock).stream()
            .map(line -> {
              String key = line.split(" ", 2)[0];
              return loopback.containsKey(key) ? key + " " + loopback.get(key) : line;
            })
            .toList();
    Path conf = Files.write(dir.resolve("redis.conf"), lines);

    CacheEngine cairn = start(conf.toString(), "--admin-port", "0");
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.configGet("tcp-backlog", "hash-max-ziplist-entries", "appendfsync"))
          .containsEntry("tcp-backlog", "511")
          .containsEntry("hash-max-ziplist-entries", "512")
          .containsEntry("appendfsync", "everysec");
      // three lines of the file, one client class each, merged as Redis merges them
      assertThat(jedis.configGet("client-output-buffer-limit"))
          .containsEntry(
              "client-output-buffer-limit",
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
      assertThat(jedis.configGet("auto-aof-rewrite-min-size"))
          .containsEntry("auto-aof-rewrite-min-size", "67108864");
    } finally {
      cairn.stop(Duration.ofSeconds(5));
    }
  }

  /**
   * Every key redis-server 7.0.15 reports, written back at the value it reports (the file CONFIG
   * REWRITE would write from a default server), starts the cache; then both servers answer CONFIG
   * GET * with the same keys and values, and merge a partial output-limit CONFIG SET the same way.
   */
  @Test
  void everyRedisKeyAtItsDefaultStartsTheCacheAndConfigGetMatchesRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    try (ReferenceRedis redis = ReferenceRedis.start("--dir", dir.toString())) {
      Map<String, String> reference = configGetAll(redis.port());
      assertThat(reference).hasSizeGreaterThan(180).containsKey("tcp-backlog");
      Path conf =
          Files.write(
              dir.resolve("defaults.conf"),
              reference.entrySet().stream()
                  .map(e -> e.getKey() + " \"" + e.getValue() + "\"")
                  .toList());
      int port = FreePorts.next();
      CacheEngine cairn =
          start(conf.toString(), "--port", Integer.toString(port), "--admin-port", "0");
      try {
        Map<String, String> ours = configGetAll(port);
        assertThat(ours.remove("admin-port")).isNotNull();
        assertThat(ours.remove("admin-bind")).isEqualTo("127.0.0.1");
        reference.put("port", Integer.toString(port));
        assertThat(ours).containsExactlyInAnyOrderEntriesOf(reference);

        for (int p : new int[] {redis.port(), port}) {
          try (Jedis jedis = new Jedis("127.0.0.1", p)) {
            jedis.configSet("client-output-buffer-limit", "pubsub 64mb 16mb 90");
          }
        }
        assertThat(configGetAll(port).get("client-output-buffer-limit"))
            .isEqualTo(configGetAll(redis.port()).get("client-output-buffer-limit"))
            .contains("pubsub 67108864 16777216 90");
      } finally {
        cairn.stop(Duration.ofSeconds(5));
      }
    }
  }

  /** dir and dbfilename are protected configs: CONFIG SET changes them only where allowed. */
  @Test
  void protectedConfigsFollowEnableProtectedConfigs() throws Exception {
    int port = FreePorts.next();
    for (String gate : List.of("no", "local")) {
      CacheEngine cairn =
          start(
              "--port",
              Integer.toString(port),
              "--admin-port",
              "0",
              "--enable-protected-configs",
              gate);
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        if (gate.equals("no")) {
          assertThatThrownBy(() -> jedis.configSet("dir", dir.toString()))
              .isInstanceOf(JedisDataException.class)
              .hasMessageEndingWith("- can't set protected config");
        } else {
          assertThat(jedis.configSet("dir", dir.toString())).isEqualTo("OK");
          assertThat(jedis.configGet("dir")).containsEntry("dir", dir.toString());
        }
      } finally {
        cairn.stop(Duration.ofSeconds(5));
      }
    }
  }

  private static CacheEngine start(String... args) throws Exception {
    return EngineExtension.startAndAwaitReady(CacheEngine.fromArgs(args));
  }

  private static Map<String, String> configGetAll(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return new TreeMap<>(jedis.configGet("*"));
    }
  }
}
