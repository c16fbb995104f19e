package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * FUNCTION libraries live in the RDB file with the data set, as in Redis 7.0: they survive a
 * restart, and files move between redis-server and Cairn with their libraries both ways.
 */
class FunctionPersistenceTest {
  private static final String LIB =
      "#!lua name=persisted\n"
          + "redis.register_function('double', function(keys, args)\n"
          + "  return redis.call('incrby', keys[1], redis.call('get', keys[1]))\n"
          + "end)";

  private static CacheEngine cairn(Path dir) throws Exception {
    CacheEngine engine =
        new CacheEngine(
            CacheConfig.of(
                Map.of(
                    "port",
                    "0",
                    "admin-port",
                    "0",
                    "dir",
                    dir.toString(),
                    "dbfilename",
                    "dump.rdb",
                    "save",
                    "")));
    engine.start();
    return engine;
  }

  @Test
  void librariesSurviveARestart(@TempDir Path dir) throws Exception {
    CacheEngine first = cairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", first.address().getPort())) {
      j.functionLoad(LIB);
      j.set("n", "21");
      assertThat(j.save()).isEqualTo("OK");
    } finally {
      first.stop(Duration.ofSeconds(1));
    }
    CacheEngine second = cairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", second.address().getPort())) {
      assertThat(j.fcall("double", List.of("n"), List.of())).isEqualTo(42L);
      // the background save writes them too: a third start finds them in its file
      assertThat(j.bgsave()).isEqualTo("Background saving started");
      org.awaitility.Awaitility.await()
          .until(() -> j.info("persistence").contains("rdb_bgsave_in_progress:0"));
      assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok");
    } finally {
      second.stop(Duration.ofSeconds(1));
    }
    CacheEngine third = cairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", third.address().getPort())) {
      assertThat(j.fcall("double", List.of("n"), List.of())).isEqualTo(84L);
    } finally {
      third.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void filesCarryLibrariesBetweenRedisAndCairn(@TempDir Path dir) throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    try (ReferenceRedis redis =
        ReferenceRedis.start("--save", "", "--dir", dir.toString(), "--dbfilename", "dump.rdb")) {
      try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
        j.functionLoad(LIB);
        j.set("n", "5");
        j.save();
      }
    }
    CacheEngine engine = cairn(dir);
    try (Jedis j = new Jedis("127.0.0.1", engine.address().getPort())) {
      assertThat(j.fcall("double", List.of("n"), List.of())).isEqualTo(10L);
      j.save();
    } finally {
      engine.stop(Duration.ofSeconds(1));
    }
    try (ReferenceRedis redis =
            ReferenceRedis.start(
                "--save", "", "--dir", dir.toString(), "--dbfilename", "dump.rdb");
        Jedis j = new Jedis("127.0.0.1", redis.port())) {
      assertThat(j.fcall("double", List.of("n"), List.of())).isEqualTo(20L);
    }
  }
}
