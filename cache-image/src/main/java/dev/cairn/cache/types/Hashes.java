package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.resp.RespWriter;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hash commands (Redis's t_hash.c). A hash is a {@link Dict} of field → value. */
public final class Hashes {
  private Hashes() {}

  private static Dict forWrite(Client c, byte[] key) {
    Database db = c.db();
    Dict h = Values.hash(db.lookupWrite(key));
    if (h == null) {
      h = new Dict(Dict.Kind.HASH, c.server.encodings);
      db.add(key, h);
    }
    return h;
  }

  private static void deleteIfEmpty(Client c, byte[] key, Dict h) {
    if (h.isEmpty()) {
      c.db().delete(key);
      c.server.notify(c.db(), key, 'g', "del");
    }
  }

  public static void hset(Client c, byte[][] a) {
    if (a.length % 2 != 0) {
      throw Args.wrongArgs(Args.lower(a[0]));
    }
    Dict h = forWrite(c, a[1]);
    int added = 0;
    for (int i = 2; i < a.length; i += 2) {
      if (h.put(a[i], a[i + 1])) {
        added++;
      }
    }
    c.server.notify(c.db(), a[1], 'h', "hset");
    if (is(a[0], "hmset")) {
      c.reply.ok();
    } else {
      c.reply.integer(added);
    }
  }

  public static void hsetnx(Client c, byte[][] a) {
    Dict existing = Values.hash(c.db().peek(a[1]));
    if (existing != null && existing.contains(a[2])) {
      c.reply.integer(0);
      return;
    }
    forWrite(c, a[1]).put(a[2], a[3]);
    c.server.notify(c.db(), a[1], 'h', "hset");
    c.reply.integer(1);
  }

  public static void hget(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    c.reply.bulk(h == null ? null : (byte[]) h.get(a[2]));
  }

  public static void hmget(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    c.reply.array(a.length - 2);
    for (int i = 2; i < a.length; i++) {
      c.reply.bulk(h == null ? null : (byte[]) h.get(a[i]));
    }
  }

  public static void hdel(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupWrite(a[1]));
    int n = 0;
    if (h != null) {
      for (int i = 2; i < a.length; i++) {
        if (h.remove(a[i]) != null) {
          n++;
        }
      }
      if (n > 0) {
        c.server.notify(c.db(), a[1], 'h', "hdel");
      }
      deleteIfEmpty(c, a[1], h);
    }
    c.reply.integer(n);
  }

  public static void hlen(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    c.reply.integer(h == null ? 0 : h.size());
  }

  public static void hstrlen(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    byte[] v = h == null ? null : (byte[]) h.get(a[2]);
    c.reply.integer(v == null ? 0 : v.length);
  }

  public static void hexists(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    c.reply.integer(h != null && h.contains(a[2]) ? 1 : 0);
  }

  public static void hkeys(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    if (h == null) {
      c.reply.array(0);
      return;
    }
    c.reply.array(h.size());
    for (Dict.Entry e : h) {
      c.reply.bulk(e.key);
    }
  }

  public static void hvals(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    if (h == null) {
      c.reply.array(0);
      return;
    }
    c.reply.array(h.size());
    for (Dict.Entry e : h) {
      c.reply.bulk((byte[]) e.value);
    }
  }

  public static void hgetall(Client c, byte[][] a) {
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    if (h == null) {
      c.reply.map(0);
      return;
    }
    c.reply.map(h.size());
    for (Dict.Entry e : h) {
      c.reply.bulk(e.key);
      c.reply.bulk((byte[]) e.value);
    }
  }

  public static void hincrby(Client c, byte[][] a) {
    long delta = Args.toLong(a[3]);
    Dict h = forWrite(c, a[1]);
    byte[] old = (byte[]) h.get(a[2]);
    long v = 0;
    if (old != null) {
      Long parsed = Args.tryLong(old);
      if (parsed == null) {
        throw new CommandError("ERR hash value is not an integer");
      }
      v = parsed;
    }
    long r = v + delta;
    if (((v ^ r) & (delta ^ r)) < 0) {
      throw CommandError.OVERFLOW;
    }
    h.put(a[2], Args.bytes(r));
    c.server.notify(c.db(), a[1], 'h', "hincrby");
    c.reply.integer(r);
  }

  private static final byte[] HSET = Args.bytes("HSET");

  public static void hincrbyfloat(Client c, byte[][] a) {
    BigDecimal delta = FloatIncrement.parse(a[3], "ERR value is not a valid float");
    if (FloatIncrement.infinite(delta)) {
      throw new CommandError("ERR value is NaN or Infinity");
    }
    Dict existing = Values.hash(c.db().peek(a[1]));
    byte[] old = existing == null ? null : (byte[]) existing.get(a[2]);
    BigDecimal v =
        old == null ? BigDecimal.ZERO : FloatIncrement.parse(old, "ERR hash value is not a float");
    byte[] text = FloatIncrement.sum(v, delta);
    forWrite(c, a[1]).put(a[2], text);
    c.server.propagation.rewrite(HSET, a[1], a[2], text);
    c.server.notify(c.db(), a[1], 'h', "hincrbyfloat");
    c.reply.bulk(text);
  }

  /** HRANDFIELD key [count [WITHVALUES]]. */
  public static void hrandfield(Client c, byte[][] a) {
    if (a.length > 4 || (a.length == 4 && !is(a[3], "withvalues"))) {
      throw CommandError.SYNTAX;
    }
    Long count = a.length >= 3 ? Args.toLong(a[2]) : null;
    boolean withValues = a.length == 4;
    if (count != null) {
      Sampling.checkCount(count);
    }
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    if (count == null) {
      c.reply.bulk(h == null ? null : h.fairRandom().key);
      return;
    }
    if (h == null || count == 0) {
      c.reply.array(0);
      return;
    }
    List<Dict.Entry> picked = Sampling.sample(h, count);
    if (withValues && c.reply.resp3()) {
      c.reply.array(picked.size());
      for (Dict.Entry e : picked) {
        c.reply.array(2);
        c.reply.bulk(e.key);
        c.reply.bulk((byte[]) e.value);
      }
      return;
    }
    c.reply.array(withValues ? picked.size() * 2L : picked.size());
    for (Dict.Entry e : picked) {
      c.reply.bulk(e.key);
      if (withValues) {
        c.reply.bulk((byte[]) e.value);
      }
    }
  }

  public static void hscan(Client c, byte[][] a) {
    long cursor = Keys.cursor(a[2]);
    Keys.ScanOptions o = Keys.ScanOptions.parse(a, 3, false);
    Dict h = Values.hash(c.db().lookupRead(a[1]));
    List<byte[]> out = new ArrayList<>();
    if (h != null) {
      cursor = scan(h, cursor, o, out, !o.noValues());
    } else {
      cursor = 0;
    }
    c.reply.array(2);
    c.reply.bulk(Long.toUnsignedString(cursor));
    c.reply.bulks(out, out.size());
  }

  /** One SCAN-family step over a member dict, adding members (and values) that match. */
  static long scan(Dict d, long cursor, Keys.ScanOptions o, List<byte[]> out, boolean values) {
    long maxIterations = o.count() * 10;
    do {
      cursor =
          d.scan(
              cursor,
              e -> {
                if (o.matches(e.key)) {
                  out.add(e.key);
                  if (values) {
                    out.add(
                        e.value instanceof Double s
                            ? RespWriter.formatDouble(s).getBytes(StandardCharsets.US_ASCII)
                            : (byte[]) e.value);
                  }
                }
              });
    } while (cursor != 0 && --maxIterations > 0 && out.size() < o.count() * (values ? 2 : 1));
    return cursor;
  }
}
