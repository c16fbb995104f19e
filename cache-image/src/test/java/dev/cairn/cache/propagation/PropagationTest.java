package dev.cairn.cache.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;

/**
 * What a Jedis client's writes propagate as, read from a listener on the server's {@link
 * Propagation} — the stream the AOF and replication consume: effects with Redis 7.0's rewrites,
 * SELECT on database changes, MULTI/EXEC around multi-effect units, nothing for no-op writes.
 */
class PropagationTest {
  @TempDir Path dir;
  private CacheEngine engine;
  private Jedis jedis;
  private final List<String> stream = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    engine =
        new CacheEngine(
            CacheConfig.of(
                Map.of(
                    "port", "0",
                    "admin-port", "0",
                    "dir", dir.toString(),
                    "enable-debug-command", "local")));
    engine.start();
    EffectEncoder encoder = new EffectEncoder();
    Propagation.Listener listener =
        (db, argv) -> {
          var out = new java.io.ByteArrayOutputStream();
          encoder.encode(out, db, argv);
          synchronized (stream) {
            for (String line : out.toString(StandardCharsets.UTF_8).split("\r\n")) {
              if (!line.startsWith("*") && !line.startsWith("$")) {
                stream.add(line);
              }
            }
            stream.add("|");
          }
        };
    onKeyspaceThread(() -> engine.server().propagation.addListener(listener));
    jedis = new Jedis("127.0.0.1", engine.address().getPort());
  }

  @AfterEach
  void stop() {
    jedis.close();
    engine.stop(Duration.ZERO);
  }

  private void onKeyspaceThread(Runnable r) throws Exception {
    // the server's event loop owns the propagation; run there through a command round trip
    CompletableFuture<Void> done = new CompletableFuture<>();
    engine
        .keyspaceThread()
        .execute(() -> {
          r.run();
          done.complete(null);
        });
    done.get();
  }

  private String drained() throws Exception {
    onKeyspaceThread(() -> {});
    synchronized (stream) {
      String s = String.join(" ", stream);
      stream.clear();
      return s;
    }
  }

  @Test
  void relativeExpiriesPropagateAsAbsoluteTimes() throws Exception {
    long before = System.currentTimeMillis();
    jedis.set("k", "v", SetParams.setParams().ex(100).nx());
    jedis.setex("s", 50, "v");
    jedis.expire("k", 200);
    String s = drained();
    assertThat(s).startsWith("SELECT 0 SET k v PXAT ");
    String[] w = s.split(" ");
    assertThat(Long.parseLong(w[6])).isBetween(before + 100_000, before + 101_000);
    assertThat(s).contains("| SET s v PXAT ").contains("| PEXPIREAT k ");
    jedis.expire("k", -1);
    assertThat(drained()).isEqualTo("DEL k |");
  }

  @Test
  void randomAndFloatResultsPropagateAsWhatHappened() throws Exception {
    jedis.sadd("set", "a");
    jedis.incrByFloat("f", 1.5);
    jedis.hincrByFloat("h", "x", 0.25);
    drained();
    assertThat(jedis.spop("set")).isEqualTo("a");
    jedis.incrByFloat("f", 1.0);
    assertThat(drained()).isEqualTo("SREM set a | SET f 2.5 KEEPTTL |");
    jedis.sadd("big", "1", "2", "3");
    jedis.spop("big", 3);
    assertThat(drained()).isEqualTo("SADD big 1 2 3 | DEL big |");
  }

  @Test
  void blockingPopsPropagateAsPlainPops() throws Exception {
    jedis.rpush("l", "a", "b");
    jedis.zadd("z", 1, "m");
    drained();
    jedis.blpop(1, "l");
    jedis.brpoplpush("l", "m", 1);
    jedis.bzpopmin(1, "z");
    assertThat(drained()).isEqualTo("LPOP l | RPOPLPUSH l m | ZPOPMIN z 1 |");
    try (Jedis waiter = new Jedis("127.0.0.1", engine.address().getPort())) {
      var popped = CompletableFuture.supplyAsync(() -> waiter.brpop(5, "q"));
      Awaitility.await().until(() -> jedis.clientList().contains("cmd=brpop"));
      jedis.lpush("q", "x");
      assertThat(popped.get()).containsExactly("q", "x");
    }
    assertThat(drained()).isEqualTo("LPUSH q x | RPOP q |");
  }

  @Test
  void noOpWritesAreNotPropagatedButEmptyFlushesAre() throws Exception {
    jedis.set("k", "v");
    drained();
    jedis.setnx("k", "other");
    jedis.del("missing");
    jedis.srem("none", "x");
    jedis.expire("missing", 10);
    assertThat(drained()).isEmpty();
    jedis.select(3);
    jedis.flushDB();
    assertThat(drained()).isEqualTo("SELECT 3 FLUSHDB |");
  }

  @Test
  void transactionsAndDatabaseChangesAreWrapped() throws Exception {
    Transaction t = jedis.multi();
    t.set("a", "1");
    t.get("a");
    t.sendCommand(redis.clients.jedis.Protocol.Command.SELECT, "2");
    t.incr("b");
    t.exec();
    assertThat(drained()).isEqualTo("SELECT 0 MULTI | SET a 1 | SELECT 2 INCR b | EXEC |");
    Transaction one = jedis.multi();
    one.incr("b");
    one.exec();
    assertThat(drained()).isEqualTo("INCR b |");
  }

  @Test
  void onlyWriteCommandsPropagateTheirChanges() throws Exception {
    jedis.set("k", "v");
    drained();
    jedis.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode("DEBUG"), "RELOAD");
    assertThat(jedis.get("k")).isEqualTo("v");
    assertThat(drained()).isEmpty();
  }

  @Test
  void evictedKeysPropagateAsDel() throws Exception {
    jedis.set("victim", "v");
    jedis.configSet("maxmemory-policy", "allkeys-lru");
    drained();
    jedis.configSet("maxmemory", "1");
    jedis.ping();
    assertThat(drained()).isEqualTo("DEL victim |");
    jedis.configSet("maxmemory", "0");
  }

  @Test
  void expiredKeysPropagateAsDel() throws Exception {
    jedis.set("gone", "v", SetParams.setParams().px(1));
    drained();
    Thread.sleep(5);
    assertThat(jedis.get("gone")).isNull();
    assertThat(drained()).isEqualTo("DEL gone |");
  }

  private static redis.clients.jedis.commands.ProtocolCommand command(String name) {
    return () -> redis.clients.jedis.util.SafeEncoder.encode(name);
  }

  @Test
  void scriptsPropagateTheirCallsEffectsNeverThemselves() throws Exception {
    jedis.eval("redis.call('SET', KEYS[1], 'x') redis.call('SET', KEYS[2], 'y')", 2, "a", "b");
    assertThat(drained()).isEqualTo("SELECT 0 MULTI | SET a x | SET b y | EXEC |");
    jedis.eval("return redis.call('GET', KEYS[1])", 1, "a");
    jedis.eval("redis.call('DEL', 'missing') return 1", 0);
    jedis.sendCommand(command("EVAL_RO"), "return redis.call('GET', KEYS[1])", "1", "a");
    assertThat(drained()).isEmpty();
    String sha = jedis.scriptLoad("return redis.call('INCR', KEYS[1])");
    jedis.evalsha(sha, 1, "n");
    assertThat(drained()).isEqualTo("INCR n |");
    String lib =
        "#!lua name=lib\nredis.register_function('two', function(keys)"
            + " redis.call('SET', keys[1], '1') redis.call('SET', keys[2], '2') end)";
    jedis.sendCommand(command("FUNCTION"), "LOAD", lib);
    assertThat(drained()).isEqualTo("FUNCTION LOAD " + lib + " |");
    jedis.sendCommand(command("FCALL"), "two", "2", "c", "d");
    assertThat(drained()).isEqualTo("MULTI | SET c 1 | SET d 2 | EXEC |");
  }
}
