package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Test datasets covering every type and encoding, and a canonical text form to compare. */
final class Datasets {
  private Datasets() {}

  /** Redis 7.0's default encoding thresholds, which the datasets' values and loads use. */
  static final Encodings LIMITS = new Encodings();

  static Keyspace emptyKeyspace() {
    return new Keyspace(
        16,
        new Keyspace.Listener() {
          @Override
          public void modified(Database db, byte[] key) {}

          @Override
          public void event(Database db, byte[] key, char type, String event) {}
        });
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every value kind in small and large encodings, in databases 0, 1 and 9. */
  static void fill(Keyspace ks, long seed) {
    Random rnd = new Random(seed);
    Database db0 = ks.db(0);
    db0.add(b("int"), b("12345"));
    db0.add(b("neg"), b("-7"));
    db0.add(b("bigint"), b("12345678901"));
    db0.add(b("notint"), b("007"));
    db0.add(b("empty"), new byte[0]);
    db0.add(b("compressible"), b("abc".repeat(500)));
    byte[] noise = new byte[300];
    rnd.nextBytes(noise);
    db0.add(b("binary"), noise);
    ListValue small = new ListValue();
    for (String s : new String[] {"a", "1", "-2", "bb"}) {
      small.addLast(b(s));
    }
    db0.add(b("list:small"), small);
    ListValue big = new ListValue();
    for (int i = 0; i < 3000; i++) {
      big.addLast(i % 500 == 0 ? new byte[10_000] : b("item-" + i));
    }
    db0.add(b("list:big"), big);
    Dict intset = new Dict(Dict.Kind.SET, LIMITS);
    for (long v : new long[] {1, -40000, Long.MAX_VALUE, 7}) {
      intset.put(b(Long.toString(v)), null);
    }
    db0.add(b("set:intset"), intset);
    Dict strings = new Dict(Dict.Kind.SET, LIMITS);
    for (int i = 0; i < 600; i++) {
      strings.put(b("m" + i), null);
    }
    db0.add(b("set:table"), strings);
    Dict hash = new Dict(Dict.Kind.HASH, LIMITS);
    hash.put(b("f"), b("v"));
    hash.put(b("n"), b("42"));
    db0.add(b("hash:small"), hash);
    Dict bigHash = new Dict(Dict.Kind.HASH, LIMITS);
    for (int i = 0; i < 300; i++) {
      bigHash.put(b("field" + i), b("value" + rnd.nextInt()));
    }
    db0.add(b("hash:big"), bigHash);
    ZSet z = new ZSet(LIMITS);
    z.put(b("a"), 1.5);
    z.put(b("b"), -3);
    z.put(b("c"), Double.POSITIVE_INFINITY);
    z.put(b("d"), 1e-7);
    db0.add(b("zset:small"), z);
    ZSet bigZ = new ZSet(LIMITS);
    for (int i = 0; i < 400; i++) {
      bigZ.put(b("member" + i), rnd.nextGaussian() * 1000);
    }
    db0.add(b("zset:big"), bigZ);
    KeyEntry e = ks.db(1).add(b("expiring"), b("soon"));
    ks.db(1).setExpire(e, System.currentTimeMillis() + 3_600_000);
    ks.db(9).add(b("other-db"), b("x"));
    ks.settle();
  }

  /** "db key" → "type value [expireAt]" for every key, in a canonical order. */
  static Map<String, String> describe(Keyspace ks) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < ks.count(); i++) {
      for (Dict.Entry x : ks.db(i).keys()) {
        KeyEntry e = (KeyEntry) x;
        out.put(i + " " + hex(e.key), describe(e.value) + " ttl=" + e.expireAt);
      }
    }
    return out;
  }

  static String describe(Object v) {
    return switch (v) {
      case byte[] s -> "string " + hex(s);
      case ListValue l -> {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
          items.add(hex(l.get(i)));
        }
        yield "list " + items;
      }
      case ZSet z -> {
        List<String> items = new ArrayList<>();
        for (ZSet.Node n = z.first(); n != null; n = n.next()) {
          items.add(hex(n.member) + "=" + n.score);
        }
        yield (z.listpack() ? "zset listpack " : "zset skiplist ") + items;
      }
      case Dict d -> {
        Map<String, String> m = new TreeMap<>();
        for (Dict.Entry e : d) {
          m.put(hex(e.key), e.value == null ? "" : hex((byte[]) e.value));
        }
        yield d.kind() + (d.compact() ? " compact " : " table ") + m;
      }
      default -> throw new IllegalArgumentException(String.valueOf(v));
    };
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
