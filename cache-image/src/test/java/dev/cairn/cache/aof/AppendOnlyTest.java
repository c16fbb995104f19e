package dev.cairn.cache.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * The multi-part AOF through a real client: files as Redis 7.0 lays them out, a restart replays
 * them, BGREWRITEAOF under writes loses nothing, CONFIG SET appendonly switches it live, and
 * truncated or corrupted files are truncated or refused exactly as aof-load-truncated says.
 */
class AppendOnlyTest {
  @TempDir Path dir;

  private CacheEngine start(String... pairs) throws Exception {
    Map<String, String> cfg = new HashMap<>();
    cfg.putAll(Map.of("port", "0", "admin-port", "0", "dir", dir.toString(), "appendonly", "yes"));
    for (int i = 0; i < pairs.length; i += 2) {
      cfg.put(pairs[i], pairs[i + 1]);
    }
    CacheEngine engine = new CacheEngine(CacheConfig.of(cfg));
    engine.start();
    return engine;
  }

  private static Jedis client(CacheEngine e) {
    return new Jedis("127.0.0.1", e.address().getPort());
  }

  private Path aofDir() {
    return dir.resolve("appendonlydir");
  }

  private String manifest() throws Exception {
    return Files.readString(aofDir().resolve("appendonly.aof.manifest"));
  }

  @Test
  void writesSurviveARestartInRedisLayout() throws Exception {
    CacheEngine e = start("appendfsync", "always");
    try (Jedis j = client(e)) {
      j.set("a", "1");
      j.incr("a");
      j.rpush("l", "x", "y");
      j.select(5);
      j.set("ttl", "v", SetParams.setParams().ex(1000));
    } finally {
      e.stop(Duration.ZERO);
    }
    assertThat(manifest())
        .isEqualTo(
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type i\n");
    assertThat(Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof")))
        .startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n")
        .contains("$4\r\nPXAT\r\n");
    e = start();
    try (Jedis j = client(e)) {
      assertThat(j.get("a")).isEqualTo("2");
      assertThat(j.lrange("l", 0, -1)).containsExactly("x", "y");
      j.select(5);
      assertThat(j.ttl("ttl")).isBetween(990L, 1000L);
      String info = j.info("persistence");
      assertThat(info)
          .contains(
              "aof_enabled:1",
              "aof_rewrite_in_progress:0",
              "aof_last_bgrewrite_status:ok",
              "aof_last_write_status:ok",
              "aof_base_size:" + Files.size(aofDir().resolve("appendonly.aof.1.base.rdb")));
      long files =
          Files.size(aofDir().resolve("appendonly.aof.1.base.rdb"))
              + Files.size(aofDir().resolve("appendonly.aof.1.incr.aof"));
      assertThat(info).contains("aof_current_size:" + files);
    } finally {
      e.stop(Duration.ZERO);
    }
  }

  @Test
  void bgrewriteaofUnderWritesLosesNothing() throws Exception {
    for (String preamble : new String[] {"yes", "no"}) {
      CacheEngine e = start("aof-use-rdb-preamble", preamble);
      Map<String, String> expected = new HashMap<>();
      try (Jedis j = client(e)) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < 50_000; i++) {
          p.set("k" + i, "v" + i);
        }
        p.sync();
        p = j.pipelined();
        p.sendCommand(redis.clients.jedis.Protocol.Command.BGREWRITEAOF, new String[0]);
        for (int i = 0; i < 50_000; i++) {
          p.incr("k" + (i % 1000));
          p.hset("h" + (i % 100), "f" + i, "x");
        }
        p.sync();
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> j.info("persistence").contains("aof_rewrite_in_progress:0"));
        assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:ok");
        for (String k : j.keys("*")) {
          expected.put(k, j.type(k).equals("string") ? j.get(k) : j.hgetAll(k).toString());
        }
      } finally {
        e.stop(Duration.ZERO);
      }
      String suffix = preamble.equals("yes") ? ".rdb" : ".aof";
      assertThat(manifest())
          .as(manifest())
          .contains("appendonly.aof.2.base" + suffix + " seq 2 type b")
          .contains("appendonly.aof.2.incr.aof seq 2 type i")
          .doesNotContain("type h");
      assertThat(aofDir().resolve("appendonly.aof.1.incr.aof")).doesNotExist();
      e = start();
      try (Jedis j = client(e)) {
        assertThat(j.dbSize()).isEqualTo(expected.size());
        expected.forEach((k, v) ->
            assertThat(j.type(k).equals("string") ? j.get(k) : j.hgetAll(k).toString())
                .as(k)
                .isEqualTo(v));
        j.flushAll();
      } finally {
        e.stop(Duration.ZERO);
      }
      deleteAof();
    }
  }

  private static final String LIBRARY =
      "#!lua name=lib\nredis.register_function('two', function(keys, args)"
          + " redis.call('SET', keys[1], args[1]) redis.call('SET', keys[2], args[1]) end)";

  private static Object send(Jedis j, String command, String... args) {
    return j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(command), args);
  }

  @Test
  void scriptWritesAndFunctionLibrariesSurviveRestartsAndRewrites() throws Exception {
    for (String preamble : new String[] {"yes", "no"}) {
      CacheEngine e = start("aof-use-rdb-preamble", preamble);
      try (Jedis j = client(e)) {
        j.eval(
            "redis.call('SET', KEYS[1], 'x') redis.call('RPUSH', KEYS[2], 'a', 'b')", 2, "s", "l");
        send(j, "FUNCTION", "LOAD", LIBRARY);
        send(j, "FCALL", "two", "2", "c", "d", "1");
      } finally {
        e.stop(Duration.ZERO);
      }
      // only the effects are logged: the scripts' commands and the library, never EVAL or FCALL
      assertThat(Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof")))
          .contains("$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n")
          .contains("$5\r\nRPUSH\r\n")
          .doesNotContain("EVAL")
          .doesNotContain("FCALL");
      e = start("aof-use-rdb-preamble", preamble);
      try (Jedis j = client(e)) {
        assertThat(j.get("s")).isEqualTo("x");
        assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b");
        assertThat(j.mget("c", "d")).containsExactly("1", "1");
        // the rewritten base (RDB preamble or commands) carries the library too
        assertThat(j.bgrewriteaof()).contains("rewriting started");
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> j.info("persistence").contains("aof_rewrite_in_progress:0"));
        assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:ok");
      } finally {
        e.stop(Duration.ZERO);
      }
      e = start();
      try (Jedis j = client(e)) {
        send(j, "FCALL", "two", "2", "c", "d", "2");
        assertThat(j.mget("s", "c", "d")).containsExactly("x", "2", "2");
      } finally {
        e.stop(Duration.ZERO);
      }
      deleteAof();
    }
  }

  private void deleteAof() throws Exception {
    try (var files = Files.list(aofDir())) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(aofDir());
  }

  @Test
  void appendonlySwitchesOnAndOffLive() throws Exception {
    CacheEngine e = start("appendonly", "no");
    try (Jedis j = client(e)) {
      j.set("before", "1");
      assertThat(j.configSet("appendonly", "yes")).isEqualTo("OK");
      j.set("after", "2");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> j.info("persistence").contains("aof_rewrite_in_progress:0"));
      j.set("later", "3");
      assertThat(j.info("persistence")).contains("aof_enabled:1");
    } finally {
      e.stop(Duration.ZERO);
    }
    e = start();
    try (Jedis j = client(e)) {
      assertThat(j.mget("before", "after", "later")).containsExactly("1", "2", "3");
      assertThat(j.configSet("appendonly", "no")).isEqualTo("OK");
      j.set("unlogged", "x");
      assertThat(j.info("persistence")).contains("aof_enabled:0");
    } finally {
      e.stop(Duration.ZERO);
    }
    e = start();
    try (Jedis j = client(e)) {
      assertThat(j.exists("unlogged")).isFalse();
      assertThat(j.get("later")).isEqualTo("3");
    } finally {
      e.stop(Duration.ZERO);
    }
  }

  private Path writeThenCorrupt(String tail) throws Exception {
    CacheEngine e = start();
    try (Jedis j = client(e)) {
      j.set("k1", "v1");
      j.set("k2", "v2");
    } finally {
      e.stop(Duration.ZERO);
    }
    Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
    Files.writeString(incr, tail, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    return incr;
  }

  @Test
  void aTruncatedLastFileIsCutAtItsLastCompleteCommandWhenAllowed() throws Exception {
    Path incr = writeThenCorrupt("*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv");
    long complete = Files.size(incr) - "*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv".length();
    assertThatThrownBy(() -> start("aof-load-truncated", "no"))
        .isInstanceOf(AofLoadException.class)
        .hasMessageContaining("Unexpected end of file reading the append only file")
        .hasMessageContaining("appendonly.aof.1.incr.aof");
    CacheEngine e = start();
    try (Jedis j = client(e)) {
      assertThat(j.mget("k1", "k2", "k3")).containsExactly("v1", "v2", null);
      assertThat(Files.size(incr)).isEqualTo(complete);
      j.set("k4", "v4");
    } finally {
      e.stop(Duration.ZERO);
    }
    e = start("aof-load-truncated", "no");
    try (Jedis j = client(e)) {
      assertThat(j.get("k4")).isEqualTo("v4");
    } finally {
      e.stop(Duration.ZERO);
    }
  }

  @Test
  void anUnfinishedTransactionIsRevertedAsATruncation() throws Exception {
    writeThenCorrupt("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv3\r\n");
    CacheEngine e = start();
    try (Jedis j = client(e)) {
      assertThat(j.exists("k3")).isFalse();
      assertThat(j.get("k2")).isEqualTo("v2");
    } finally {
      e.stop(Duration.ZERO);
    }
  }

  @Test
  void aCorruptedFileIsRefused() throws Exception {
    writeThenCorrupt("garbage\r\n*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv3\r\n");
    assertThatThrownBy(this::start)
        .isInstanceOf(AofLoadException.class)
        .hasMessageContaining("Bad file format reading the append only file appendonly.aof.1.incr");
    Files.writeString(aofDir().resolve("appendonly.aof.manifest"), "file x seq 1 type z\n");
    assertThatThrownBy(this::start)
        .isInstanceOf(AofLoadException.class)
        .hasMessageContaining("Unknown AOF file type");
  }
}
