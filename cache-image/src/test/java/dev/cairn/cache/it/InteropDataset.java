package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The interoperability dataset, written through commands so either server can hold it: every type
 * and encoding (integer, LZF and binary strings; small and multi-node lists; intsets of every width
 * and hashtable sets; listpack and skiplist sorted sets with fractional and infinite scores;
 * listpack and hashtable hashes; streams with groups; sparse and dense HyperLogLogs; expiries;
 * several databases), and a key-by-key comparison of two servers — type, value, expiry and, for
 * hashes, sets and sorted sets, encoding.
 */
final class InteropDataset {
  static final int[] DATABASES = {0, 3, 15};

  private InteropDataset() {}

  /** The dataset, written through commands so either server can hold it. */
  static void populate(Jedis j) {
    Random rnd = new Random(14);
    long expireAt = System.currentTimeMillis() + 86_400_000L;
    j.select(0);
    j.set("int:small", "7");
    j.set("int:neg", "-30000");
    j.set("int:32", "2147483647");
    j.set("int:64", "9223372036854775807");
    j.set("notint", "0012");
    j.set("empty", "");
    j.set("lzf", "compress me ".repeat(400));
    byte[] noise = new byte[1000];
    rnd.nextBytes(noise);
    j.set("binary".getBytes(), noise);
    j.rpush("list:small", "a", "1", "-5", "bb", "");
    for (int i = 0; i < 2000; i++) {
      j.rpush("list:big", i % 400 == 0 ? "L".repeat(9000) : "item:" + i);
    }
    j.sadd("set:int16", "1", "-2", "300");
    j.sadd("set:int32", "1", "100000");
    j.sadd("set:int64", "1", "-9223372036854775808");
    j.sadd("set:strings", "a", "b", "c");
    for (int i = 0; i < 600; i++) {
      j.sadd("set:bigints", Integer.toString(i * 3));
    }
    j.zadd("zset:small", Map.of("a", 1.5, "b", -2.0, "c", 1e-9, "d", 3.0, "inf", 1.0 / 0));
    for (int i = 0; i < 200; i++) {
      j.zadd("zset:big", rnd.nextGaussian() * 1e6, "member:" + i);
    }
    j.zadd("zset:longmember", 1, "m".repeat(100));
    j.hset("hash:small", Map.of("f", "v", "n", "123", "neg", "-1"));
    for (int i = 0; i < 200; i++) {
      j.hset("hash:big", "field:" + i, "value:" + rnd.nextInt());
    }
    j.hset("hash:longvalue", "f", "v".repeat(100));
    j.set("expiring", "v");
    j.pexpireAt("expiring", expireAt);
    j.hset("hash:expiring", "f", "v");
    j.pexpireAt("hash:expiring", expireAt + 1);
    populateStreams(j);
    // HyperLogLogs are strings: sparse, dense, with a cached and a stale cardinality
    j.pfadd("hll:sparse", "a", "b", "c");
    j.pfcount("hll:sparse");
    for (int i = 0; i < 3000; i += 10) {
      j.pfadd(
          "hll:dense",
          java.util.stream.IntStream.range(i, i + 10)
              .mapToObj(n -> "e" + n)
              .toArray(String[]::new));
    }
    j.select(3);
    j.set("db3", "three");
    j.rpush("db3:list", "x");
    j.select(15);
    j.set("db15", "fifteen");
    j.pexpireAt("db15", expireAt + 2);
    j.select(0);
  }

  /**
   * Streams in every shape RDB type 19 carries: same-field and mixed-field entries, many nodes,
   * tombstones and trimmed nodes, an empty stream that keeps its last ID, the largest possible ID,
   * and consumer groups with consumers, pending entries (delivered, claimed with a set time and
   * count), NOACK and unknown read counters.
   */
  private static void populateStreams(Jedis j) {
    x(j, "XADD", "stream:small", "1-1", "name", "a", "n", "1");
    x(j, "XADD", "stream:small", "1-2", "name", "b", "n", "2");
    x(j, "XADD", "stream:small", "2-0", "other", "x");
    for (int i = 1; i <= 1000; i++) {
      String f = i % 7 == 0 ? "odd" : "temp";
      x(
          j,
          "XADD",
          "stream:big",
          i + "-" + (i % 3),
          f,
          Integer.toString(i * 37),
          "v",
          "x".repeat(i % 50));
    }
    for (int i = 3; i <= 1000; i += 11) {
      x(j, "XDEL", "stream:big", i + "-" + (i % 3));
    }
    x(j, "XTRIM", "stream:big", "MAXLEN", "~", "700");
    x(j, "XADD", "stream:empty", "5-5", "a", "b");
    x(j, "XDEL", "stream:empty", "5-5");
    x(j, "XGROUP", "CREATE", "stream:mk", "g", "$", "MKSTREAM");
    x(j, "XADD", "stream:max", "18446744073709551615-18446744073709551615", "a", "b");
    x(j, "XGROUP", "CREATE", "stream:big", "readers", "0");
    x(j, "XGROUP", "CREATE", "stream:big", "lazy", "500-0", "ENTRIESREAD", "-1");
    x(j, "XGROUP", "CREATE", "stream:big", "fast", "$");
    x(j, "XREADGROUP", "GROUP", "readers", "alice", "COUNT", "5", "STREAMS", "stream:big", ">");
    x(j, "XREADGROUP", "GROUP", "readers", "bob", "COUNT", "3", "STREAMS", "stream:big", ">");
    x(
        j,
        "XREADGROUP",
        "GROUP",
        "lazy",
        "carol",
        "NOACK",
        "COUNT",
        "4",
        "STREAMS",
        "stream:big",
        ">");
    x(j, "XGROUP", "CREATECONSUMER", "stream:big", "fast", "idle");
    String first = x(j, "XPENDING", "stream:big", "readers", "-", "+", "1").toString();
    assertThat(first).isNotEmpty();
    x(j, "XACK", "stream:big", "readers", "301-1");
    x(
        j,
        "XCLAIM",
        "stream:big",
        "readers",
        "bob",
        "0",
        "302-2",
        "TIME",
        "1700000000000",
        "RETRYCOUNT",
        "9",
        "JUSTID");
  }

  private static Object x(Jedis j, String... words) {
    return j.sendCommand(
        () -> SafeEncoder.encode(words[0]), java.util.Arrays.copyOfRange(words, 1, words.length));
  }

  /** A reply as text, bulk strings as themselves (stream replies are text here). */
  private static String render(Object reply) {
    return switch (reply) {
      case null -> "nil";
      case byte[] b -> SafeEncoder.encode(b);
      case List<?> list -> list.stream().map(InteropDataset::render).toList().toString();
      default -> reply.toString();
    };
  }

  /** Every key compared with its encoding and, for streams, their node layout (RDB keeps it). */
  static void assertSameData(Jedis expected, Jedis actual) {
    assertSameData(expected, actual, false);
  }

  /**
   * Every key compared; with {@code replayed} streams by what commands rebuild — entries, groups,
   * pending entries per consumer — not by node layout or times, which an AOF replay (in Redis as in
   * Cairn) builds anew.
   */
  static void assertSameData(Jedis expected, Jedis actual, boolean replayed) {
    for (int db : DATABASES) {
      expected.select(db);
      actual.select(db);
      Map<String, String> want = describe(expected, replayed);
      Map<String, String> got = describe(actual, replayed);
      assertThat(got.keySet()).as("keys of database %d", db).isEqualTo(want.keySet());
      want.forEach((k, v) -> assertThat(got.get(k)).as("db %d key %s", db, k).isEqualTo(v));
    }
  }

  private static String replayedStream(Jedis j, byte[] key) {
    String k = SafeEncoder.encode(key);
    StringBuilder out = new StringBuilder(render(x(j, "XRANGE", k, "-", "+")));
    Object groups = x(j, "XINFO", "GROUPS", k);
    for (Object g : (List<?>) groups) {
      List<?> fields = (List<?>) g;
      String name = render(fields.get(1));
      out.append(" group ")
          .append(name)
          .append(" last=")
          .append(render(fields.get(7)))
          .append(" pending=")
          .append(render(x(j, "XPENDING", k, name)));
    }
    return out.toString();
  }

  private static Map<String, String> describe(Jedis j, boolean replayed) {
    Map<String, String> out = new TreeMap<>();
    for (byte[] key : j.keys("*".getBytes())) {
      String type = j.type(key);
      String value =
          switch (type) {
            case "string" ->
                hex(j.get(key))
                    + (SafeEncoder.encode(key).startsWith("hll:")
                        ? " pfcount=" + j.pfcount(key)
                        : "");
            case "list" -> hexAll(j.lrange(key, 0, -1)).toString();
            case "set" -> new TreeSet<>(hexAll(new ArrayList<>(j.smembers(key)))).toString();
            case "zset" -> {
              List<String> items = new ArrayList<>();
              for (Tuple t : j.zrangeWithScores(key, 0, -1)) {
                items.add(hex(t.getBinaryElement()) + "=" + t.getScore());
              }
              yield items.toString();
            }
            case "hash" -> {
              Map<String, String> m = new TreeMap<>();
              j.hgetAll(key).forEach((f, v) -> m.put(hex(f), hex(v)));
              yield m.toString();
            }
            case "stream" ->
                replayed
                    ? replayedStream(j, key)
                    : render(
                        j.sendCommand(
                            () -> SafeEncoder.encode("XINFO"),
                            SafeEncoder.encode("STREAM"),
                            key,
                            SafeEncoder.encode("FULL"),
                            SafeEncoder.encode("COUNT"),
                            SafeEncoder.encode("0")));
            default -> throw new AssertionError("unexpected type " + type);
          };
      String encoding =
          switch (type) {
            case "set", "zset", "hash", "stream" -> " " + SafeEncoder.encode(j.objectEncoding(key));
            default -> "";
          };
      out.put(hex(key), type + encoding + " " + value + " expireAt=" + j.pexpireTime(key));
    }
    return out;
  }

  private static List<String> hexAll(List<byte[]> items) {
    List<String> out = new ArrayList<>();
    items.forEach(b -> out.add(hex(b)));
    return out;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
