package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/** Lists (incl. blocking pops), hashes, sets and sorted sets through Jedis. */
class CollectionsTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private Jedis jedis;

  private Jedis connect() {
    return new Jedis("127.0.0.1", cache.engine().address().getPort());
  }

  @BeforeEach
  void open() {
    jedis = connect();
    jedis.flushAll();
  }

  @AfterEach
  void close() {
    jedis.close();
  }

  private List<String> raw(String... command) {
    Object reply =
        jedis.sendCommand(
            () -> command[0].getBytes(), java.util.Arrays.copyOfRange(command, 1, command.length));
    return ((List<?>) reply).stream().map(b -> new String((byte[]) b)).toList();
  }

  /**
   * Random picks from a hashtable-encoded set or hash are uniform, as Redis's dictGetFairRandomKey
   * (its own suite's histogram tests): a chi-square of 1000 picks among 10 members stays under 40
   * (df = 9: a 1 in 100,000 chance for a fair draw). Picking a random bucket, then a random entry
   * of its chain, favours short chains far past that.
   */
  @Test
  void randomMembersOfABigEncodingAreUniform() {
    String[] members = {"1", "5", "10", "50", "125", "MARY", "PATRICIA", "LINDA", "BARBARA", "x"};
    members[9] = "x".repeat(80); // too long for a listpack
    jedis.sadd("set", members);
    for (String m : members) {
      jedis.hset("hash", m, "v".repeat(80));
    }
    assertThat(jedis.objectEncoding("set")).isEqualTo("hashtable");
    assertThat(jedis.objectEncoding("hash")).isEqualTo("hashtable");
    assertThat(chiSquare(raw("SRANDMEMBER", "set", "-1000"))).isLessThan(40);
    assertThat(chiSquare(raw("HRANDFIELD", "hash", "-1000"))).isLessThan(40);
    List<String> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      pairs.addAll(raw("SRANDMEMBER", "set", "2"));
    }
    assertThat(chiSquare(pairs)).isLessThan(40);
  }

  private static double chiSquare(List<String> picks) {
    Map<String, Long> counts =
        picks.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    x -> x, java.util.stream.Collectors.counting()));
    double expected = (double) picks.size() / counts.size();
    return counts.values().stream().mapToDouble(n -> Math.pow(n - expected, 2) / expected).sum();
  }

  @Test
  void smallHashesKeepInsertionOrderAndSmallIntegerSetsNumericOrderAsRedisDoes() {
    jedis.hset("h", "z", "1");
    jedis.hset("h", Map.of("a", "2"));
    jedis.hset("h", "m", "3");
    jedis.hset("h", "a", "4");
    assertThat(raw("HGETALL", "h")).containsExactly("z", "1", "a", "4", "m", "3");
    jedis.hdel("h", "z");
    assertThat(raw("HKEYS", "h")).containsExactly("a", "m");
    assertThat(jedis.objectEncoding("h")).isEqualTo("listpack");
    jedis.hset("h", "long", "x".repeat(65));
    assertThat(jedis.objectEncoding("h")).isEqualTo("hashtable");
    assertThat(jedis.hgetAll("h")).containsOnlyKeys("a", "m", "long");

    jedis.sadd("s", "5", "3", "10", "-1", "3");
    assertThat(raw("SMEMBERS", "s")).containsExactly("-1", "3", "5", "10");
    assertThat(jedis.objectEncoding("s")).isEqualTo("intset");
    assertThat(jedis.sismember("s", "10")).isTrue();
    assertThat(jedis.sismember("s", "010")).isFalse();
    var page = jedis.sscan("s", ScanParams.SCAN_POINTER_START, new ScanParams().count(1));
    assertThat(page.getCursor()).isEqualTo("0");
    assertThat(page.getResult()).containsExactly("-1", "3", "5", "10");
    jedis.sadd("s", "x");
    assertThat(jedis.objectEncoding("s")).isEqualTo("hashtable");
    assertThat(jedis.smembers("s")).containsExactlyInAnyOrder("-1", "3", "5", "10", "x");
    for (int i = 0; i < 600; i++) {
      jedis.sadd("big", Integer.toString(600 - i));
    }
    assertThat(jedis.objectEncoding("big")).isEqualTo("hashtable");
    assertThat(jedis.scard("big")).isEqualTo(600);
  }

  @Test
  void listPushPopRangeAndEdits() {
    assertThat(jedis.rpush("l", "a", "b", "c")).isEqualTo(3);
    assertThat(jedis.lpush("l", "z")).isEqualTo(4);
    assertThat(jedis.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
    assertThat(jedis.lrange("l", -2, 100)).containsExactly("b", "c");
    assertThat(jedis.lindex("l", -1)).isEqualTo("c");
    assertThat(jedis.linsert("l", ListPosition.BEFORE, "b", "x")).isEqualTo(5);
    assertThat(jedis.linsert("l", ListPosition.AFTER, "nope", "x")).isEqualTo(-1);
    assertThat(jedis.lset("l", 0, "Z")).isEqualTo("OK");
    assertThatThrownBy(() -> jedis.lset("l", 99, "x")).hasMessage("ERR index out of range");
    assertThatThrownBy(() -> jedis.lset("nokey", 0, "x")).hasMessage("ERR no such key");
    assertThat(jedis.lrem("l", 0, "x")).isEqualTo(1);
    assertThat(jedis.ltrim("l", 1, -1)).isEqualTo("OK");
    assertThat(jedis.lrange("l", 0, -1)).containsExactly("a", "b", "c");
    assertThat(jedis.lpop("l", 2)).containsExactly("a", "b");
    assertThat(jedis.rpop("l")).isEqualTo("c");
    assertThat(jedis.exists("l")).isFalse();
    assertThat(jedis.lpop("l")).isNull();
    assertThat(jedis.lpushx("l", "a")).isZero();
    jedis.rpush("p", "a", "b", "c", "b", "b");
    assertThat(jedis.lpos("p", "b")).isEqualTo(1);
    assertThat(jedis.lpos("p", "b", LPosParams.lPosParams().rank(-1))).isEqualTo(4);
    assertThat(jedis.lpos("p", "b", LPosParams.lPosParams(), 0)).containsExactly(1L, 3L, 4L);
    assertThat(jedis.lmove("p", "q", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
    assertThat(jedis.rpoplpush("p", "q")).isEqualTo("b");
    assertThat(jedis.lrange("q", 0, -1)).containsExactly("b", "a");
    KeyValue<String, List<String>> popped = jedis.lmpop(ListDirection.RIGHT, 2, "none", "q");
    assertThat(popped.getKey()).isEqualTo("q");
    assertThat(popped.getValue()).containsExactly("a", "b");
  }

  @Test
  void blockingPopWaitsForAPushFromAnotherClient() throws Exception {
    try (Jedis blocked = connect()) {
      CompletableFuture<List<String>> result =
          CompletableFuture.supplyAsync(() -> blocked.blpop(5, "q1", "q2"));
      Thread.sleep(100);
      assertThat(result).isNotDone();
      jedis.rpush("q2", "hello");
      assertThat(result.get(5, TimeUnit.SECONDS)).containsExactly("q2", "hello");
      assertThat(jedis.exists("q2")).isFalse();
    }
  }

  @Test
  void blockingCommandsTimeOutWithNull() {
    long start = System.nanoTime();
    assertThat(jedis.brpop(0.2, "nothing")).isNull();
    assertThat(System.nanoTime() - start).isGreaterThan(150_000_000L);
    assertThat(jedis.blmove("nothing", "dst", ListDirection.LEFT, ListDirection.LEFT, 0.1))
        .isNull();
    assertThat(jedis.bzpopmin(0.1, "nothing")).isNull();
  }

  @Test
  void blockedClientsAreServedInArrivalOrderAndBlmoveMovesAtomically() throws Exception {
    try (Jedis first = connect();
        Jedis second = connect()) {
      CompletableFuture<String> a =
          CompletableFuture.supplyAsync(
              () -> first.blmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT, 5));
      Thread.sleep(100);
      CompletableFuture<List<String>> b =
          CompletableFuture.supplyAsync(() -> second.blpop(5, "src"));
      Thread.sleep(100);
      jedis.rpush("src", "one", "two");
      assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("one");
      assertThat(b.get(5, TimeUnit.SECONDS)).containsExactly("src", "two");
      assertThat(jedis.lrange("dst", 0, -1)).containsExactly("one");
    }
  }

  @Test
  void blockingSortedSetPopWakesOnZadd() throws Exception {
    try (Jedis blocked = connect()) {
      var result = CompletableFuture.supplyAsync(() -> blocked.bzpopmin(5, "z"));
      Thread.sleep(100);
      jedis.zadd("z", Map.of("a", 2.0, "b", 1.0));
      var kv = result.get(5, TimeUnit.SECONDS);
      assertThat(kv.getKey()).isEqualTo("z");
      assertThat(kv.getValue().getElement()).isEqualTo("b");
      assertThat(kv.getValue().getScore()).isEqualTo(1.0);
    }
  }

  @Test
  void hashCommands() {
    assertThat(jedis.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
    assertThat(jedis.hset("h", "a", "10")).isZero();
    assertThat(jedis.hget("h", "a")).isEqualTo("10");
    assertThat(jedis.hmget("h", "a", "x")).containsExactly("10", null);
    assertThat(jedis.hsetnx("h", "a", "x")).isZero();
    assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("a", "10", "b", "2"));
    assertThat(jedis.hkeys("h")).containsExactlyInAnyOrder("a", "b");
    assertThat(jedis.hvals("h")).containsExactlyInAnyOrder("10", "2");
    assertThat(jedis.hlen("h")).isEqualTo(2);
    assertThat(jedis.hstrlen("h", "a")).isEqualTo(2);
    assertThat(jedis.hexists("h", "b")).isTrue();
    assertThat(jedis.hincrBy("h", "a", 5)).isEqualTo(15);
    assertThat(jedis.hincrByFloat("h", "f", 1.5)).isEqualTo(1.5);
    jedis.hset("h", "s", "abc");
    assertThatThrownBy(() -> jedis.hincrBy("h", "s", 1))
        .hasMessage("ERR hash value is not an integer");
    assertThat(jedis.hrandfield("h")).isIn("a", "b", "f", "s");
    assertThat(jedis.hrandfield("h", 10)).hasSize(4).doesNotHaveDuplicates();
    assertThat(jedis.hrandfield("h", -10)).hasSize(10);
    assertThat(jedis.hrandfieldWithValues("h", 2)).hasSize(2);
    assertThat(jedis.hscan("h", "0", new ScanParams().match("a")).getResult())
        .containsExactly(Map.entry("a", "15"));
    assertThat(jedis.hdel("h", "a", "b", "f", "s", "zz")).isEqualTo(4);
    assertThat(jedis.exists("h")).isFalse();
  }

  @Test
  void intercardLimitAndArgumentErrorsAsRedis() {
    jedis.sadd("s1", "a", "b", "c");
    jedis.sadd("s2", "a", "b", "c");
    jedis.zadd("z1", Map.of("a", 1.0, "b", 2.0));
    jedis.zadd("z2", Map.of("a", 1.0, "b", 2.0));
    assertThat(jedis.sintercard(5, "s1", "s2")).isEqualTo(3);
    assertThat(jedis.zintercard(1, "z1", "z2")).isEqualTo(1);
    assertThatThrownBy(() -> jedis.sendCommand(() -> "SINTERCARD".getBytes(), "0", "s1"))
        .hasMessage("ERR numkeys should be greater than 0");
    assertThatThrownBy(() -> jedis.sendCommand(() -> "SINTERCARD".getBytes(), "3", "s1"))
        .hasMessage("ERR Number of keys can't be greater than number of args");
    assertThatThrownBy(() -> jedis.sendCommand(() -> "ZINTERCARD".getBytes(), "0", "z1"))
        .hasMessage("ERR at least 1 input key is needed for 'zintercard' command");
    assertThatThrownBy(() -> jedis.sendCommand(() -> "ZINTERCARD".getBytes(), "3", "z1"))
        .hasMessage("ERR syntax error");
    assertThatThrownBy(
            () -> jedis.sendCommand(() -> "SINTERCARD".getBytes(), "1", "s1", "LIMIT", "-1"))
        .hasMessage("ERR LIMIT can't be negative");
    assertThatThrownBy(() -> jedis.sendCommand(() -> "ZINTERCARD".getBytes(), "1", "z1", "LIMIT"))
        .hasMessage("ERR syntax error");
  }

  @Test
  void setCommands() {
    assertThat(jedis.sadd("s1", "a", "b", "c", "a")).isEqualTo(3);
    jedis.sadd("s2", "b", "c", "d");
    assertThat(jedis.smembers("s1")).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(jedis.sismember("s1", "a")).isTrue();
    assertThat(jedis.smismember("s1", "a", "z")).containsExactly(true, false);
    assertThat(jedis.scard("s1")).isEqualTo(3);
    assertThat(jedis.sinter("s1", "s2")).containsExactlyInAnyOrder("b", "c");
    assertThat(jedis.sunion("s1", "s2")).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(jedis.sdiff("s1", "s2")).containsExactly("a");
    assertThat(jedis.sintercard(2, "s1", "s2")).isEqualTo(2);
    assertThat(jedis.sintercard(1, "s1", "s2")).isEqualTo(1);
    assertThat(jedis.sinterstore("dst", "s1", "s2")).isEqualTo(2);
    assertThat(jedis.sdiffstore("dst", "s1", "s1")).isZero();
    assertThat(jedis.exists("dst")).isFalse();
    assertThat(jedis.smove("s1", "s2", "a")).isEqualTo(1);
    assertThat(jedis.srandmember("s2", 2)).hasSize(2).doesNotHaveDuplicates();
    assertThat(jedis.srandmember("s2", -7)).hasSize(7);
    assertThat(jedis.spop("s2", 10)).hasSize(4);
    assertThat(jedis.exists("s2")).isFalse();
    assertThat(jedis.sscan("s1", "0").getResult()).containsExactlyInAnyOrder("b", "c");
    assertThat(jedis.srem("s1", "b", "z")).isEqualTo(1);
  }

  @Test
  void sortedSetAddFlagsAndRanges() {
    assertThat(jedis.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0))).isEqualTo(3);
    assertThat(jedis.zadd("z", 10, "a", ZAddParams.zAddParams().nx())).isZero();
    assertThat(jedis.zscore("z", "a")).isEqualTo(1.0);
    assertThat(jedis.zadd("z", 0.5, "a", ZAddParams.zAddParams().gt().ch())).isZero();
    assertThat(jedis.zadd("z", 5, "a", ZAddParams.zAddParams().gt().ch())).isEqualTo(1);
    assertThat(jedis.zaddIncr("z", 1, "a", ZAddParams.zAddParams().xx())).isEqualTo(6.0);
    assertThat(jedis.zincrby("z", -5, "a")).isEqualTo(1.0);
    assertThatThrownBy(() ->
            jedis.sendCommand(redis.clients.jedis.Protocol.Command.ZADD, "z", "NX", "XX", "1", "a"))
        .hasMessage("ERR XX and NX options at the same time are not compatible");
    assertThat(jedis.zrange("z", 0, -1)).containsExactly("a", "b", "c");
    assertThat(jedis.zrevrange("z", 0, 0)).containsExactly("c");
    assertThat(jedis.zrangeByScore("z", "(1", "+inf")).containsExactly("b", "c");
    assertThat(jedis.zrevrangeByScore("z", "3", "2")).containsExactly("c", "b");
    assertThat(jedis.zrange("z", ZRangeParams.zrangeByScoreParams(3, 1).rev().limit(0, 2)))
        .containsExactly("c", "b");
    assertThat(jedis.zrangeWithScores("z", 0, 0)).containsExactly(new Tuple("a", 1.0));
    assertThat(jedis.zcount("z", "-inf", "(3")).isEqualTo(2);
    assertThat(jedis.zrank("z", "c")).isEqualTo(2);
    assertThat(jedis.zrevrank("z", "c")).isZero();
    // Redis 7.0 has no WITHSCORE: the arity error, as redis-server 7.0 answers it
    assertThatThrownBy(() -> jedis.zrankWithScore("z", "b"))
        .hasMessage("ERR wrong number of arguments for 'zrank' command");
    assertThat(jedis.zmscore("z", "a", "nope")).containsExactly(1.0, null);
    assertThat(jedis.zrangestore("dst", "z", ZRangeParams.zrangeParams(0, 1))).isEqualTo(2);
    assertThat(jedis.zcard("dst")).isEqualTo(2);
    jedis.zadd("lex", Map.of("a", 0.0, "b", 0.0, "c", 0.0, "d", 0.0));
    assertThat(jedis.zrangeByLex("lex", "[b", "(d")).containsExactly("b", "c");
    assertThat(jedis.zrevrangeByLex("lex", "+", "-", 0, 1)).containsExactly("d");
    assertThat(jedis.zlexcount("lex", "-", "+")).isEqualTo(4);
    assertThatThrownBy(() -> jedis.zrangeByLex("lex", "b", "d"))
        .hasMessage("ERR min or max not valid string range item");
    assertThat(jedis.zremrangeByLex("lex", "[a", "[b")).isEqualTo(2);
    assertThat(jedis.zremrangeByRank("lex", 0, 0)).isEqualTo(1);
    assertThat(jedis.zremrangeByScore("lex", "-inf", "+inf")).isEqualTo(1);
    assertThat(jedis.exists("lex")).isFalse();
  }

  @Test
  void sortedSetPopsAndAlgebra() {
    jedis.zadd("z1", Map.of("a", 1.0, "b", 2.0));
    jedis.zadd("z2", Map.of("b", 3.0, "c", 4.0));
    jedis.sadd("plain", "a");
    assertThat(jedis.zunion(new ZParams(), "z1", "z2")).containsExactly("a", "c", "b");
    assertThat(jedis.zunionWithScores(new ZParams().weights(2, 1), "z1", "z2"))
        .containsExactly(new Tuple("a", 2.0), new Tuple("c", 4.0), new Tuple("b", 7.0));
    assertThat(jedis.zinterWithScores(new ZParams().aggregate(ZParams.Aggregate.MAX), "z1", "z2"))
        .containsExactly(new Tuple("b", 3.0));
    assertThat(jedis.zinter(new ZParams(), "z1", "plain")).containsExactly("a");
    assertThat(jedis.zdiff("z1", "z2")).containsExactly("a");
    assertThat(jedis.zunionstore("u", "z1", "z2")).isEqualTo(3);
    assertThat(jedis.zinterstore("i", "z1", "z2")).isEqualTo(1);
    assertThat(jedis.zdiffStore("d", "z1", "z2")).isEqualTo(1);
    assertThat(jedis.zintercard("z1", "z2")).isEqualTo(1);
    assertThat(jedis.zpopmin("u")).isEqualTo(new Tuple("a", 1.0));
    assertThat(jedis.zpopmax("u", 5)).containsExactly(new Tuple("b", 5.0), new Tuple("c", 4.0));
    assertThat(jedis.exists("u")).isFalse();
    var mpop = jedis.zmpop(redis.clients.jedis.args.SortedSetOption.MAX, "none", "z2");
    assertThat(mpop.getKey()).isEqualTo("z2");
    assertThat(mpop.getValue()).containsExactly(new Tuple("c", 4.0));
    assertThat(jedis.zrandmember("z1", 5)).containsExactlyInAnyOrder("a", "b");
    assertThat(jedis.zscan("z1", "0").getResult())
        .containsExactlyInAnyOrder(new Tuple("a", 1.0), new Tuple("b", 2.0));
    jedis.set("str", "x");
    assertThatThrownBy(() -> jedis.zunion(new ZParams(), "z1", "str"))
        .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  @Test
  void sortedSetHandlesManyMembersInOrder() {
    java.util.Random rnd = new java.util.Random(42);
    Map<String, Double> members = new java.util.HashMap<>();
    for (int i = 0; i < 2000; i++) {
      members.put("m" + i, (double) rnd.nextInt(500));
    }
    jedis.zadd("big", members);
    List<Tuple> all = jedis.zrangeWithScores("big", 0, -1);
    assertThat(all).hasSize(2000);
    for (int i = 1; i < all.size(); i++) {
      Tuple p = all.get(i - 1);
      Tuple c = all.get(i);
      assertThat(
              p.getScore() < c.getScore()
                  || (p.getScore() == c.getScore() && p.getElement().compareTo(c.getElement()) < 0))
          .isTrue();
    }
    for (int r : new int[] {0, 1, 999, 1999}) {
      assertThat(jedis.zrank("big", all.get(r).getElement())).isEqualTo(r);
    }
    assertThat(jedis.zcount("big", 100, 200))
        .isEqualTo(members.values().stream().filter(v -> v >= 100 && v <= 200).count());
  }
}
