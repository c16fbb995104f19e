package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Scripts through the clients people use: Lettuce's EVALSHA with SCRIPT LOAD/EXISTS/FLUSH and its
 * NOSCRIPT fallback, Jedis inside MULTI/EXEC, {@code redis-cli --eval}, and MONITOR showing EVAL
 * before the commands it ran, as Redis does.
 */
class ScriptClientsTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static int port() {
    return cache.engine().address().getPort();
  }

  @Test
  void lettuceLoadsScriptsAndCallsThemBySha() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      String sha = r.scriptLoad("return redis.call('incrby', KEYS[1], ARGV[1])");
      assertThat(sha).isEqualTo(r.digest("return redis.call('incrby', KEYS[1], ARGV[1])"));
      assertThat(r.scriptExists(sha, "0000000000000000000000000000000000000000"))
          .containsExactly(true, false);
      Long v = r.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"counter"}, "5");
      assertThat(v).isEqualTo(5L);
      assertThat(
              r.<Long>evalshaReadOnly(
                  r.scriptLoad("return redis.call('get', KEYS[1])"),
                  ScriptOutputType.INTEGER,
                  new String[] {"counter"}))
          .isEqualTo(5L);
      List<Object> multi = r.eval("return {1, 'two', {3}}", ScriptOutputType.MULTI, new String[0]);
      assertThat(multi).hasSize(3);
      assertThat(r.scriptFlush()).isEqualTo("OK");
      assertThatThrownBy(
              () -> r.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"counter"}, "1"))
          .isInstanceOf(RedisNoScriptException.class)
          .hasMessageContaining("NOSCRIPT No matching script. Please use EVAL.");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aScriptInsideMultiExecRunsAtItsTurn() {
    try (Jedis j = new Jedis("127.0.0.1", port())) {
      j.del("tx");
      Transaction t = j.multi();
      t.set("tx", "1");
      t.eval("return redis.call('incr', KEYS[1])", List.of("tx"), List.of());
      t.get("tx");
      assertThat(t.exec()).containsExactly("OK", 2L, "2");
    }
  }

  @Test
  void monitorShowsTheScriptBeforeItsCommands() throws Exception {
    try (Jedis monitor = new Jedis("127.0.0.1", port());
        Jedis j = new Jedis("127.0.0.1", port())) {
      java.util.List<String> lines =
          java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      Thread t =
          new Thread(() ->
              monitor.monitor(
                  new redis.clients.jedis.JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                      lines.add(command);
                      if (command.contains("\"end-marker\"")) {
                        done.countDown();
                        client.disconnect();
                      }
                    }
                  }));
      t.start();
      org.awaitility.Awaitility.await().until(() -> j.clientList().contains("cmd=monitor"));
      j.eval("redis.call('set', 'mk', 'v') return redis.call('get', 'mk')", 0);
      j.echo("end-marker");
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      List<String> all = lines.stream().map(l -> l.substring(l.indexOf('['))).toList();
      // what the test's own setup sent (CLIENT LIST) comes first
      List<String> shown =
          all.subList(
              all.indexOf(
                  all.stream()
                      .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("\"eval\""))
                      .findFirst()
                      .orElseThrow()),
              all.size());
      assertThat(shown.get(0)).startsWith("[0 127.0.0.1:").containsIgnoringCase("\"eval\"");
      assertThat(shown.get(1)).isEqualTo("[0 lua] \"set\" \"mk\" \"v\"");
      assertThat(shown.get(2)).isEqualTo("[0 lua] \"get\" \"mk\"");
    }
  }

  @Test
  void redisCliEvalPassesKeysAndArguments() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "redis-cli not installed");
    Path script = Files.createTempFile("script", ".lua");
    Files.writeString(
        script,
        "redis.call('hset', KEYS[1], ARGV[1], ARGV[2])\nreturn redis.call('hgetall', KEYS[1])\n");
    try {
      Process p =
          new ProcessBuilder(
                  "redis-cli",
                  "-p",
                  Integer.toString(port()),
                  "--eval",
                  script.toString(),
                  "cli-hash",
                  ",",
                  "field",
                  "value")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(out).isEqualTo("field\nvalue\n");
    } finally {
      Files.delete(script);
    }
  }
}
