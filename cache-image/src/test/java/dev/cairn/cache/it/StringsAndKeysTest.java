package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Strings, generic key commands, expiry and databases through Jedis. */
class StringsAndKeysTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private Jedis jedis;

  @BeforeEach
  void connect() {
    jedis = new Jedis("127.0.0.1", cache.engine().address().getPort());
    jedis.flushAll();
  }

  @AfterEach
  void close() {
    jedis.close();
  }

  @Test
  void setWithOptionsFollowsRedisSemantics() {
    assertThat(jedis.set("k", "v1")).isEqualTo("OK");
    assertThat(jedis.set("k", "v2", SetParams.setParams().nx())).isNull();
    assertThat(jedis.set("missing", "v", SetParams.setParams().xx())).isNull();
    assertThat(jedis.setGet("k", "v3")).isEqualTo("v1");
    assertThat(jedis.set("k", "v4", SetParams.setParams().ex(100))).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isBetween(99L, 100L);
    jedis.set("k", "v5", SetParams.setParams().keepTtl());
    assertThat(jedis.ttl("k")).isBetween(99L, 100L);
    jedis.set("k", "v6");
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThatThrownBy(() -> jedis.set("k", "v", SetParams.setParams().ex(0)))
        .hasMessage("ERR invalid expire time in 'set' command");
    assertThatThrownBy(
            () -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.SET, "k", "v", "NX", "XX"))
        .hasMessage("ERR syntax error");
  }

  @Test
  void counterCommandsParseAndOverflowLikeRedis() {
    assertThat(jedis.incr("n")).isEqualTo(1);
    assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
    assertThat(jedis.decrBy("n", 2)).isEqualTo(40);
    assertThat(jedis.decr("n")).isEqualTo(39);
    assertThat(jedis.incrByFloat("f", 10.5)).isEqualTo(10.5);
    assertThat(jedis.incrByFloat("f", 0.1)).isEqualTo(10.6);
    assertThat(jedis.get("f")).isEqualTo("10.6");
    jedis.set("s", "abc");
    assertThatThrownBy(() -> jedis.incr("s"))
        .hasMessage("ERR value is not an integer or out of range");
    jedis.set("max", Long.toString(Long.MAX_VALUE));
    assertThatThrownBy(() -> jedis.incr("max"))
        .hasMessage("ERR increment or decrement would overflow");
    jedis.lpush("list", "x");
    assertThatThrownBy(() -> jedis.incr("list"))
        .isInstanceOf(JedisDataException.class)
        .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  @Test
  void rangeAppendAndMultiKeyStringCommands() {
    assertThat(jedis.append("s", "Hello")).isEqualTo(5);
    assertThat(jedis.append("s", " World")).isEqualTo(11);
    assertThat(jedis.getrange("s", 0, 4)).isEqualTo("Hello");
    assertThat(jedis.getrange("s", -5, -1)).isEqualTo("World");
    assertThat(jedis.setrange("s", 6, "Redis")).isEqualTo(11);
    assertThat(jedis.get("s")).isEqualTo("Hello Redis");
    assertThat(jedis.setrange("pad", 3, "x")).isEqualTo(4);
    assertThat(jedis.get("pad")).isEqualTo("\0\0\0x");
    assertThat(jedis.strlen("s")).isEqualTo(11);
    assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
    assertThat(jedis.mget("a", "b", "nope")).containsExactly("1", "2", null);
    assertThat(jedis.msetnx("a", "x", "c", "3")).isZero();
    assertThat(jedis.exists("c")).isFalse();
    assertThat(jedis.getDel("a")).isEqualTo("1");
    assertThat(jedis.exists("a")).isFalse();
    assertThat(jedis.getEx("b", GetExParams.getExParams().px(50_000))).isEqualTo("2");
    assertThat(jedis.pttl("b")).isBetween(49_000L, 50_000L);
    assertThat(jedis.getEx("b", GetExParams.getExParams().persist())).isEqualTo("2");
    assertThat(jedis.ttl("b")).isEqualTo(-1);
  }

  @Test
  void bitOperations() {
    assertThat(jedis.setbit("b", 7, true)).isFalse();
    assertThat(jedis.getbit("b", 7)).isTrue();
    assertThat(jedis.get("b")).isEqualTo("\u0001");
    jedis.set("x", "foobar");
    assertThat(jedis.bitcount("x")).isEqualTo(26);
    assertThat(jedis.bitcount("x", 1, 1)).isEqualTo(6);
    jedis.set("y".getBytes(), new byte[] {(byte) 0xff, (byte) 0xf0});
    assertThat(jedis.bitpos("y", false)).isEqualTo(12);
    jedis.set("p", "abc");
    jedis.set("q", "abd");
    assertThat(jedis.bitop(redis.clients.jedis.args.BitOP.AND, "r", "p", "q")).isEqualTo(3);
    assertThat(jedis.get("r")).isEqualTo("ab`");
    assertThatThrownBy(() -> jedis.setbit("b", -1, true))
        .hasMessage("ERR bit offset is not an integer or out of range");
  }

  @Test
  void expiryOptionsAndLazyExpiration() throws InterruptedException {
    jedis.set("k", "v");
    assertThat(jedis.expire("k", 100, ExpiryOption.XX)).isZero();
    assertThat(jedis.expire("k", 100, ExpiryOption.NX)).isEqualTo(1);
    assertThat(jedis.expire("k", 50, ExpiryOption.GT)).isZero();
    assertThat(jedis.expire("k", 200, ExpiryOption.GT)).isEqualTo(1);
    assertThat(jedis.expire("k", 10, ExpiryOption.LT)).isEqualTo(1);
    assertThat(jedis.ttl("k")).isEqualTo(10);
    assertThat(jedis.expireTime("k"))
        .isBetween(System.currentTimeMillis() / 1000 + 9, System.currentTimeMillis() / 1000 + 11);
    assertThat(jedis.persist("k")).isEqualTo(1);
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(jedis.ttl("nokey")).isEqualTo(-2);
    jedis.set("short", "v");
    jedis.pexpire("short", 30);
    Thread.sleep(60);
    assertThat(jedis.get("short")).isNull();
    jedis.set("past", "v");
    assertThat(jedis.expireAt("past", 1)).isEqualTo(1);
    assertThat(jedis.exists("past")).isFalse();
    assertThatThrownBy(() ->
            jedis.sendCommand(redis.clients.jedis.Protocol.Command.EXPIRE, "k", "10", "NX", "XX"))
        .hasMessage("ERR NX and XX, GT or LT options at the same time are not compatible");
  }

  @Test
  void activeExpiryReclaimsKeysNobodyReads() {
    jedis.configResetStat();
    for (int i = 0; i < 200; i++) {
      jedis.psetex("tmp:" + i, 20, "v");
    }
    jedis.set("keep", "v");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> jedis.dbSize() == 1);
    assertThat(jedis.info("stats")).contains("expired_keys:200");
  }

  @Test
  void keyCommandsRenameCopyMoveAndType() {
    jedis.set("a", "1");
    jedis.expire("a", 100);
    assertThat(jedis.rename("a", "b")).isEqualTo("OK");
    assertThat(jedis.ttl("b")).isBetween(99L, 100L);
    assertThatThrownBy(() -> jedis.rename("nope", "x")).hasMessage("ERR no such key");
    jedis.set("c", "2");
    assertThat(jedis.renamenx("b", "c")).isZero();
    assertThat(jedis.copy("c", "d", false)).isTrue();
    assertThat(jedis.copy("c", "d", false)).isFalse();
    jedis.rpush("l", "x", "y");
    assertThat(jedis.copy("l", "l2", false)).isTrue();
    jedis.rpush("l2", "z");
    assertThat(jedis.llen("l")).isEqualTo(2);
    assertThat(jedis.type("l")).isEqualTo("list");
    assertThat(jedis.type("c")).isEqualTo("string");
    assertThat(jedis.type("none")).isEqualTo("none");
    assertThat(jedis.move("c", 1)).isEqualTo(1);
    assertThat(jedis.exists("c")).isFalse();
    jedis.select(1);
    assertThat(jedis.get("c")).isEqualTo("2");
    jedis.select(0);
    assertThat(jedis.del("b", "d", "nope")).isEqualTo(2);
    assertThat(jedis.unlink("l")).isEqualTo(1);
    assertThat(jedis.exists("l2", "l2", "nope")).isEqualTo(2);
    assertThat(jedis.randomKey()).isEqualTo("l2");
    assertThatThrownBy(() -> jedis.select(16)).hasMessage("ERR DB index is out of range");
  }

  @Test
  void keysAndScanWithMatchCountAndType() {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      jedis.set("user:" + i, "v");
      expected.add("user:" + i);
    }
    jedis.sadd("set:1", "m");
    assertThat(jedis.keys("user:1?")).hasSize(10);
    assertThat(jedis.keys("*")).hasSize(501);
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int rounds = 0;
    do {
      ScanResult<String> r = jedis.scan(cursor, new ScanParams().match("user:*").count(50));
      seen.addAll(r.getResult());
      cursor = r.getCursor();
      rounds++;
    } while (!cursor.equals("0") && rounds < 1000);
    assertThat(seen).isEqualTo(expected);
    ScanResult<String> sets = jedis.scan("0", new ScanParams().count(1000), "set");
    assertThat(sets.getResult()).containsExactly("set:1");
    assertThatThrownBy(() -> jedis.scan("abc")).hasMessage("ERR invalid cursor");
  }

  @Test
  void objectEncodingMatchesRedisShapes() {
    jedis.set("int", "12345");
    jedis.set("emb", "hello");
    jedis.set("raw", "x".repeat(100));
    jedis.rpush("l", "a");
    jedis.hset("h", "f", "v");
    jedis.sadd("si", "1", "2");
    jedis.sadd("ss", "a");
    jedis.zadd("z", 1, "a");
    assertThat(jedis.objectEncoding("int")).isEqualTo("int");
    assertThat(jedis.objectEncoding("emb")).isEqualTo("embstr");
    assertThat(jedis.objectEncoding("raw")).isEqualTo("raw");
    assertThat(jedis.objectEncoding("l")).isEqualTo("quicklist");
    assertThat(jedis.objectEncoding("h")).isEqualTo("listpack");
    assertThat(jedis.objectEncoding("si")).isEqualTo("intset");
    assertThat(jedis.objectEncoding("ss")).isEqualTo("hashtable");
    assertThat(jedis.objectEncoding("z")).isEqualTo("listpack");
    assertThat(jedis.objectIdletime("int")).isZero();
    assertThatThrownBy(() -> jedis.objectFreq("int"))
        .hasMessageStartingWith("ERR An LFU maxmemory policy is not selected");
  }

  @Test
  void databasesFlushAndSwap() {
    jedis.set("a", "0");
    jedis.select(2);
    jedis.set("b", "2");
    assertThat(jedis.dbSize()).isEqualTo(1);
    assertThat(jedis.swapDB(0, 2)).isEqualTo("OK");
    assertThat(jedis.get("a")).isEqualTo("0");
    jedis.flushDB();
    assertThat(jedis.dbSize()).isZero();
    jedis.select(0);
    assertThat(jedis.get("b")).isEqualTo("2");
    jedis.flushAll();
    assertThat(jedis.keys("*")).isEqualTo(Set.of());
  }

  @Test
  void unknownCommandsAndArityErrorsUseRedisWording() {
    assertThatThrownBy(() -> jedis.sendCommand(() -> "FOO".getBytes(), "a", "b"))
        .hasMessage("ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
    assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.GET))
        .hasMessage("ERR wrong number of arguments for 'get' command");
    assertThat(jedis.sendCommand(() -> "gEt".getBytes(), "missing")).isNull();
    assertThat(List.of(jedis.ping(), jedis.echo("hi"))).containsExactly("PONG", "hi");
  }
}
