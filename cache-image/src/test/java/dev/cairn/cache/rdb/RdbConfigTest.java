package dev.cairn.cache.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Persistence under the redis.conf key table: the RDB keys are live (CONFIG SET save starts
 * automatic snapshots, dbfilename moves the file where protected configs may be set), the encoding
 * thresholds decide the form of a value in OBJECT ENCODING, DUMP and the file alike, and DEBUG
 * RELOAD / SET-ACTIVE-EXPIRE sit behind enable-debug-command.
 */
class RdbConfigTest {
  @TempDir Path dir;

  private CacheEngine start(String... settings) throws Exception {
    Map<String, String> raw = new HashMap<>(Map.of("port", "0", "admin-port", "0"));
    raw.put("dir", dir.toString());
    for (int i = 0; i < settings.length; i += 2) {
      raw.put(settings[i], settings[i + 1]);
    }
    CacheEngine engine = new CacheEngine(CacheConfig.of(raw));
    engine.start();
    return engine;
  }

  private static Jedis client(CacheEngine engine) {
    return new Jedis("127.0.0.1", engine.address().getPort());
  }

  @Test
  void liveThresholdsGiveObjectEncodingDumpAndReloadTheSameForm() throws Exception {
    CacheEngine engine = start("enable-debug-command", "local");
    try (Jedis j = client(engine)) {
      j.configSet("hash-max-listpack-entries", "2");
      j.configSet("set-max-intset-entries", "2");
      j.configSet("zset-max-ziplist-entries", "2");
      j.hset("hash:big", Map.of("a", "1", "b", "2", "c", "3"));
      j.hset("hash:small", Map.of("a", "1", "b", "2"));
      j.sadd("set:big", "1", "2", "3");
      j.sadd("set:small", "1", "2");
      j.zadd("zset:big", Map.of("a", 1.0, "b", 2.0, "c", 3.0));
      j.zadd("zset:small", Map.of("a", 1.0, "b", 2.0));
      Map<String, String> encodings =
          Map.of(
              "hash:big", "hashtable",
              "hash:small", "listpack",
              "set:big", "hashtable",
              "set:small", "intset",
              "zset:big", "skiplist",
              "zset:small", "listpack");
      Map<String, Integer> types =
          Map.of(
              "hash:big", RdbFormat.TYPE_HASH,
              "hash:small", RdbFormat.TYPE_HASH_LISTPACK,
              "set:big", RdbFormat.TYPE_SET,
              "set:small", RdbFormat.TYPE_SET_INTSET,
              "zset:big", RdbFormat.TYPE_ZSET_2,
              "zset:small", RdbFormat.TYPE_ZSET_LISTPACK);
      encodings.forEach((key, encoding) -> {
        assertThat(j.objectEncoding(key)).as(key).isEqualTo(encoding);
        byte[] payload = j.dump(key);
        assertThat(payload[0] & 0xff).as("DUMP type of " + key).isEqualTo(types.get(key));
        j.restore("copy:" + key, 0, payload);
        assertThat(j.objectEncoding("copy:" + key)).as("restored " + key).isEqualTo(encoding);
      });
      Map<String, List<String>> before = contents(j, encodings.keySet());

      assertThat(j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "RELOAD"))
          .isEqualTo(SafeEncoder.encode("OK"));
      encodings.forEach((key, encoding) ->
          assertThat(j.objectEncoding(key)).as("reloaded " + key).isEqualTo(encoding));
      assertThat(contents(j, encodings.keySet())).isEqualTo(before);
    } finally {
      engine.stop(Duration.ofSeconds(5));
    }
  }

  private static Map<String, List<String>> contents(Jedis j, Iterable<String> keys) {
    Map<String, List<String>> out = new HashMap<>();
    for (String key : keys) {
      out.put(
          key,
          switch (j.type(key)) {
            case "hash" -> j.hgetAll(key).entrySet().stream().map(Object::toString).toList();
            case "set" -> j.smembers(key).stream().sorted().toList();
            default -> j.zrangeWithScores(key, 0, -1).stream().map(Object::toString).toList();
          });
    }
    return out;
  }

  @Test
  void persistenceKeysAreLiveConfigAndWarnNothing() throws Exception {
    CacheConfig conf =
        CacheConfig.fromArgs(
            new String[] {
              "--save", "3600 1 300 100",
              "--rdbcompression", "no",
              "--rdbchecksum", "no",
              "--stop-writes-on-bgsave-error", "no",
              "--dbfilename", "cache.rdb"
            });
    assertThat(conf.warnings()).isEmpty();
    assertThat(conf.raw(CacheConfig.SAVE)).isEqualTo("3600 1 300 100");
    assertThat(CacheConfig.of(Map.of()).raw(CacheConfig.SAVE)).isEmpty();

    CacheEngine engine = start("enable-protected-configs", "local");
    try (Jedis j = client(engine)) {
      assertThatThrownBy(() -> j.configSet("save", "0 1"))
          .isInstanceOf(JedisDataException.class)
          .hasMessageEndingWith("- Invalid save parameters");
      assertThatThrownBy(() -> j.configSet("rdbchecksum", "no"))
          .hasMessageEndingWith("- can't set immutable config");
      j.configSet("dbfilename", "moved.rdb");
      j.set("k", "v");
      j.configSet("save", "1 1");
      assertThat(j.configGet("save")).containsEntry("save", "1 1");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!Files.exists(dir.resolve("moved.rdb")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(dir.resolve("moved.rdb")).exists();
      assertThat(dir.resolve("dump.rdb")).doesNotExist();
      j.configSet("save", "");
    } finally {
      engine.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void debugReloadAndSetActiveExpireNeedEnableDebugCommand() throws Exception {
    CacheEngine closed = start();
    try (Jedis j = client(closed)) {
      assertThatThrownBy(() -> j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "RELOAD"))
          .hasMessageStartingWith("ERR DEBUG command not allowed.");
      assertThatThrownBy(
              () -> j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "SET-ACTIVE-EXPIRE", "0"))
          .hasMessageStartingWith("ERR DEBUG command not allowed.");
    } finally {
      closed.stop(Duration.ofSeconds(5));
    }
    assertThat(dir.resolve("dump.rdb")).doesNotExist();

    CacheEngine open = start("enable-debug-command", "yes");
    try (Jedis j = client(open)) {
      j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "SET-ACTIVE-EXPIRE", "0");
      j.set("gone", "soon");
      j.pexpire("gone", 1);
      Thread.sleep(300);
      assertThat(j.dbSize()).as("no active expiry: the key waits to be touched").isEqualTo(1);
      j.sendCommand(() -> SafeEncoder.encode("DEBUG"), "SET-ACTIVE-EXPIRE", "1");
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (j.dbSize() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(j.dbSize()).isZero();
    } finally {
      open.stop(Duration.ofSeconds(5));
    }
  }
}
