package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.server.Command;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Every command, in RESP2 and RESP3, with random arguments drawn from values that stress parsers
 * (extreme integers, floats, infinities, range syntax, option words, wrong key types): each answer
 * is a reply or a Redis-style error, never an internal error or a dropped connection. The seed is
 * printed so a failure can be replayed.
 */
class CommandFuzzTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  /**
   * Commands that would end the session, block, or change what the rest of the run means; SAVE and
   * BGSAVE, which would leave a dump.rdb in the working directory for later engines to load; and
   * the unsubscribe family, which answers once per channel named, as in Redis; and the replication
   * commands, which turn the connection into a replica link or the server into a replica.
   */
  private static final Set<String> SKIP =
      Set.of(
          "shutdown",
          "save",
          "bgsave",
          "monitor",
          "debug",
          "subscribe",
          "psubscribe",
          "ssubscribe",
          "client",
          "quit",
          "reset",
          "select",
          "swapdb",
          "multi",
          "exec",
          "watch",
          "blpop",
          "brpop",
          "blmove",
          "blmpop",
          "bzpopmin",
          "bzpopmax",
          "bzmpop",
          "brpoplpush",
          "hello",
          "auth",
          "acl",
          "config",
          "unsubscribe",
          "punsubscribe",
          "sunsubscribe",
          "wait",
          "psync",
          "sync",
          "replicaof",
          "slaveof",
          "flushall");

  private static final String[] POOL = {
    "0",
    "1",
    "-1",
    "2",
    "10",
    "-100",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "1.5",
    "-inf",
    "+inf",
    "inf",
    "nan",
    "(1",
    "[a",
    "(a",
    "-",
    "+",
    "a",
    "k",
    "s",
    "z",
    "h",
    "l",
    "str",
    "#1",
    "#-1",
    "u8",
    "i64",
    "i65",
    "WITHSCORES",
    "LIMIT",
    "COUNT",
    "MATCH",
    "TYPE",
    "BYSCORE",
    "BYLEX",
    "REV",
    "NX",
    "XX",
    "GT",
    "LT",
    "CH",
    "INCR",
    "LEFT",
    "RIGHT",
    "BEFORE",
    "AFTER",
    "EX",
    "PX",
    "KEEPTTL",
    "GET",
    "STORE",
    "BY",
    "ALPHA",
    "DESC",
    "WEIGHTS",
    "AGGREGATE",
    "OVERFLOW",
    "FAIL",
    "IDX",
    "LEN",
    "*",
    "",
    "x".repeat(70)
  };

  @org.junit.jupiter.params.ParameterizedTest(name = "RESP{0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
  void randomArgumentsNeverBreakTheServer(int protocol) {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    List<String> names = new ArrayList<>();
    for (Command c : cache.engine().server().commands.all()) {
      if (!SKIP.contains(c.name())) {
        names.add(c.name());
      }
    }
    List<String> broken = new ArrayList<>();
    int errors = 0;
    var config =
        redis.clients.jedis.DefaultJedisClientConfig.builder()
            .protocol(
                protocol == 3
                    ? redis.clients.jedis.RedisProtocol.RESP3
                    : redis.clients.jedis.RedisProtocol.RESP2)
            .build();
    try (Jedis jedis =
        new Jedis(
            new redis.clients.jedis.HostAndPort("127.0.0.1", cache.engine().address().getPort()),
            config)) {
      for (int i = 0; i < 10_000; i++) {
        if (i % 500 == 0) {
          seed(jedis);
        }
        String name = names.get(rnd.nextInt(names.size()));
        String[] args = new String[rnd.nextInt(7)];
        for (int k = 0; k < args.length; k++) {
          args[k] = POOL[rnd.nextInt(POOL.length)];
        }
        String call = name + " " + String.join(" ", args);
        try {
          jedis.sendCommand(() -> name.getBytes(StandardCharsets.UTF_8), args);
        } catch (JedisDataException e) {
          errors++;
          if (e.getMessage().contains("internal error")) {
            broken.add(call + " -> " + e.getMessage());
          }
        }
        // exactly one reply per command: a half-written reply would shift every later answer
        String token = "sync-" + i;
        Object echoed;
        try {
          echoed = jedis.sendCommand(() -> "ECHO".getBytes(StandardCharsets.UTF_8), token);
        } catch (JedisDataException e) {
          echoed = e.getMessage();
        }
        if (!(echoed instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals(token))) {
          broken.add(call + " -> replies out of step");
          break;
        }
      }
    }
    assertThat(broken).as("seed %d", seed).isEmpty();
    assertThat(errors).as("the arguments reach the error paths").isGreaterThan(500);
    try (Jedis fresh = new Jedis("127.0.0.1", cache.engine().address().getPort())) {
      assertThat(fresh.ping()).isEqualTo("PONG");
    }
  }

  private static void seed(Jedis jedis) {
    jedis.flushDB();
    jedis.set("str", "hello");
    jedis.set("k", "12");
    jedis.rpush("l", "a", "b", "3");
    jedis.sadd("s", "1", "2");
    jedis.zadd("z", 1, "a");
    jedis.zadd("z", 2, "b");
    jedis.hset("h", "f", "1");
  }
}
