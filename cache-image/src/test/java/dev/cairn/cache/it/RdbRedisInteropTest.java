package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * RDB files and DUMP payloads move between Debian's redis-server 7.0 and Cairn in both directions:
 * one dataset with every type and encoding (integer, LZF and binary strings; small and multi-node
 * lists; intsets of every width and hashtable sets; listpack and skiplist sorted sets with
 * fractional and infinite scores; listpack and hashtable hashes; streams with tombstones, trimmed
 * nodes and consumer groups; sparse and dense HyperLogLogs; expiries; several databases) is
 * compared key by key — type, value, expiry and, for hashes, sets and sorted sets, encoding.
 */
class RdbRedisInteropTest {
  @TempDir Path dir;

  @Test
  void cairnLoadsWhatRedisSaves() throws Exception {
    try (RedisProcess redis = RedisProcess.start(dir, "--dbfilename", "redis.rdb");
        Jedis r = redis.client()) {
      InteropDataset.populate(r);
      assertThat(r.save()).isEqualTo("OK");
      CacheEngine cairn = cairn(dir, "redis.rdb");
      try (Jedis c = client(cairn)) {
        InteropDataset.assertSameData(r, c);
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  @Test
  void redisLoadsWhatCairnSavesAndRedisCheckRdbAcceptsIt() throws Exception {
    CacheEngine cairn = cairn(dir, "cairn.rdb");
    try (Jedis c = client(cairn)) {
      InteropDataset.populate(c);
      assertThat(c.save()).isEqualTo("OK");
      Process check =
          new ProcessBuilder("redis-check-rdb", dir.resolve("cairn.rdb").toString())
              .redirectErrorStream(true)
              .start();
      String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor()).as(report).isZero();
      try (RedisProcess redis = RedisProcess.start(dir, "--dbfilename", "cairn.rdb");
          Jedis r = redis.client()) {
        InteropDataset.assertSameData(c, r);
      }
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  @Test
  void dumpFromOneRestoresIntoTheOther() throws Exception {
    CacheEngine cairn = cairn(dir, "unused.rdb");
    try (RedisProcess redis = RedisProcess.start(dir, "--dbfilename", "unused.rdb");
        Jedis r = redis.client();
        Jedis c = client(cairn)) {
      InteropDataset.populate(r);
      restoreEverything(r, c);
      InteropDataset.assertSameData(r, c);
      r.flushAll();
      restoreEverything(c, r);
      InteropDataset.assertSameData(c, r);
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  /** DUMPs every key of {@code from} and RESTOREs it into {@code to} with its absolute expiry. */
  private static void restoreEverything(Jedis from, Jedis to) {
    for (int db : InteropDataset.DATABASES) {
      from.select(db);
      to.select(db);
      for (byte[] key : from.keys("*".getBytes())) {
        long expireAt = Math.max(0, from.pexpireTime(key));
        to.sendCommand(
            Protocol.Command.RESTORE,
            key,
            SafeEncoder.encode(Long.toString(expireAt)),
            from.dump(key),
            SafeEncoder.encode("ABSTTL"));
      }
    }
  }

  private static CacheEngine cairn(Path dir, String file) throws Exception {
    CacheEngine engine =
        new CacheEngine(
            CacheConfig.of(
                Map.of("port", "0", "admin-port", "0", "dir", dir.toString(), "dbfilename", file)));
    engine.start();
    return engine;
  }

  private static Jedis client(CacheEngine engine) {
    return new Jedis("127.0.0.1", engine.address().getPort());
  }
}
