package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Glob;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.stream.Stream;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic keyspace commands (Redis's db.c and expire.c): existence, type, renaming, copying,
 * expiry, iteration (KEYS, SCAN), OBJECT, and the database commands (SELECT, FLUSHDB, SWAPDB...).
 */
public final class Keys {
  private Keys() {}

  public static void del(Client c, byte[][] a) {
    Database db = c.db();
    int n = 0;
    for (int i = 1; i < a.length; i++) {
      if (db.delete(a[i])) {
        c.server.notify(db, a[i], 'g', "del");
        n++;
      }
    }
    c.reply.integer(n);
  }

  public static void exists(Client c, byte[][] a) {
    Database db = c.db();
    int n = 0;
    for (int i = 1; i < a.length; i++) {
      if (db.lookupReadNoTouch(a[i]) != null) {
        n++;
      }
    }
    c.reply.integer(n);
  }

  /** TOUCH counts like EXISTS but, unlike it, resets each key's idle time. */
  public static void touch(Client c, byte[][] a) {
    Database db = c.db();
    int n = 0;
    for (int i = 1; i < a.length; i++) {
      if (db.lookupRead(a[i]) != null) {
        n++;
      }
    }
    c.reply.integer(n);
  }

  public static void type(Client c, byte[][] a) {
    KeyEntry e = c.db().peek(a[1]);
    c.reply.simple(e == null ? "none" : Values.typeName(e.value));
  }

  public static void rename(Client c, byte[][] a) {
    if (renameGeneric(c, a, false)) {
      c.reply.ok();
    }
  }

  public static void renamenx(Client c, byte[][] a) {
    renameGeneric(c, a, true);
  }

  private static boolean renameGeneric(Client c, byte[][] a, boolean nx) {
    Database db = c.db();
    KeyEntry src = db.lookupWrite(a[1]);
    if (src == null) {
      throw CommandError.NO_SUCH_KEY;
    }
    if (java.util.Arrays.equals(a[1], a[2])) {
      if (nx) {
        c.reply.integer(0);
        return false;
      }
      return true;
    }
    if (nx && db.peek(a[2]) != null) {
      c.reply.integer(0);
      return false;
    }
    Object value = src.value;
    long expireAt = src.expireAt;
    db.remove(src);
    db.delete(a[2]);
    KeyEntry dst = db.add(a[2], value);
    db.setExpire(dst, expireAt);
    c.server.notify(db, a[1], 'g', "rename_from");
    c.server.notify(db, a[2], 'g', "rename_to");
    if (nx) {
      c.reply.integer(1);
    }
    return true;
  }

  static Object copyValue(Object v) {
    return switch (v) {
      case ListValue l -> l.copy();
      case Dict d -> d.copy();
      case ZSet z -> z.copy();
      case Stream s -> s.copy();
      default -> v;
    };
  }

  private static Database dbIndex(Client c, byte[] arg) {
    long id = Args.toLong(arg);
    if (id < 0 || id >= c.server.keyspace.count()) {
      throw new CommandError("ERR DB index is out of range");
    }
    return c.server.keyspace.db((int) id);
  }

  /** COPY source destination [DB destination-db] [REPLACE]. */
  public static void copy(Client c, byte[][] a) {
    Database dstDb = c.db();
    boolean replace = false;
    for (int i = 3; i < a.length; i++) {
      if (is(a[i], "replace")) {
        replace = true;
      } else if (is(a[i], "db") && i + 1 < a.length) {
        dstDb = dbIndex(c, a[++i]);
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Database srcDb = c.db();
    if (srcDb == dstDb && java.util.Arrays.equals(a[1], a[2])) {
      throw new CommandError("ERR source and destination objects are the same");
    }
    KeyEntry src = srcDb.lookupRead(a[1]);
    if (src == null) {
      c.reply.integer(0);
      return;
    }
    if (dstDb.peek(a[2]) != null) {
      if (!replace) {
        c.reply.integer(0);
        return;
      }
      dstDb.delete(a[2]);
    }
    KeyEntry dst = dstDb.add(a[2], copyValue(src.value));
    dstDb.setExpire(dst, src.expireAt);
    c.server.notify(dstDb, a[2], 'g', "copy_to");
    c.reply.integer(1);
  }

  public static void move(Client c, byte[][] a) {
    Database src = c.db();
    Database dst = dbIndex(c, a[2]);
    if (src == dst) {
      throw new CommandError("ERR source and destination objects are the same");
    }
    KeyEntry e = src.lookupWrite(a[1]);
    if (e == null || dst.peek(a[1]) != null) {
      c.reply.integer(0);
      return;
    }
    Object v = e.value;
    long expireAt = e.expireAt;
    src.remove(e);
    KeyEntry moved = dst.add(a[1], v);
    dst.setExpire(moved, expireAt);
    c.server.notify(src, a[1], 'g', "move_from");
    c.server.notify(dst, a[1], 'g', "move_to");
    c.reply.integer(1);
  }

  public static void randomkey(Client c, byte[][] a) {
    Database db = c.db();
    for (int tries = 0; tries < 100 && db.size() > 0; tries++) {
      KeyEntry e = (KeyEntry) db.keys().fairRandom();
      if (db.peek(e.key) != null) {
        c.reply.bulk(e.key);
        return;
      }
    }
    c.reply.nullBulk();
  }

  public static void keys(Client c, byte[][] a) {
    boolean all = a[1].length == 1 && a[1][0] == '*';
    List<byte[]> out = new ArrayList<>();
    for (KeyEntry e : c.db().liveEntries()) {
      if (all || Glob.match(a[1], e.key, false)) {
        out.add(e.key);
      }
    }
    c.reply.bulks(out, out.size());
  }

  /** SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. */
  public static void scan(Client c, byte[][] a) {
    long cursor = cursor(a[1]);
    ScanOptions o = ScanOptions.parse(a, 2, true);
    Database db = c.db();
    List<byte[]> out = new ArrayList<>();
    long maxIterations = o.count() * 10;
    long now = c.server.keyspace.now();
    do {
      cursor =
          db.keys()
              .scan(
                  cursor,
                  e -> {
                    KeyEntry k = (KeyEntry) e;
                    if (k.expireAt != 0 && k.expireAt <= now) {
                      return;
                    }
                    if (o.matches(k.key)
                        && (o.type() == null || Values.typeName(k.value).equals(o.type()))) {
                      out.add(k.key);
                    }
                  });
    } while (cursor != 0 && --maxIterations > 0 && out.size() < o.count());
    c.reply.array(2);
    c.reply.bulk(Long.toUnsignedString(cursor));
    c.reply.bulks(out, out.size());
  }

  static long cursor(byte[] arg) {
    try {
      return Long.parseUnsignedLong(Args.str(arg));
    } catch (NumberFormatException e) {
      throw new CommandError("ERR invalid cursor");
    }
  }

  /** SCAN-family options. */
  record ScanOptions(byte[] pattern, long count, String type, boolean noValues) {
    static ScanOptions parse(byte[][] a, int from, boolean allowType) {
      byte[] pattern = null;
      long count = 10;
      String type = null;
      boolean noValues = false;
      for (int i = from; i < a.length; i++) {
        boolean hasNext = i + 1 < a.length;
        if (is(a[i], "match") && hasNext) {
          pattern = a[++i];
        } else if (is(a[i], "count") && hasNext) {
          count = Args.toLong(a[++i]);
          if (count < 1) {
            throw CommandError.SYNTAX;
          }
        } else if (is(a[i], "type") && hasNext && allowType) {
          type = Args.lower(a[++i]);
        } else if (is(a[i], "novalues") && !allowType) {
          noValues = true;
        } else {
          throw CommandError.SYNTAX;
        }
      }
      if (pattern != null && pattern.length == 1 && pattern[0] == '*') {
        pattern = null;
      }
      return new ScanOptions(pattern, count, type, noValues);
    }

    boolean matches(byte[] s) {
      return pattern == null || Glob.match(pattern, s, false);
    }
  }

  /** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP. */
  public static void object(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    if (sub.equals("help")) {
      List<byte[]> lines = new ArrayList<>();
      for (String l :
          List.of(
              "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
              "ENCODING <key>",
              "FREQ <key>",
              "IDLETIME <key>",
              "REFCOUNT <key>",
              "HELP")) {
        lines.add(Args.bytes(l));
      }
      c.reply.bulks(lines, lines.size());
      return;
    }
    if (a.length != 3) {
      throw new CommandError(
          "ERR unknown subcommand or wrong number of arguments for '"
              + Args.str(a[1])
              + "'. Try OBJECT HELP.");
    }
    Database db = c.db();
    KeyEntry e = db.peek(a[2]);
    Keyspace ks = c.server.keyspace;
    switch (sub) {
      case "encoding" -> {
        if (e == null) {
          c.reply.nullBulk();
        } else {
          c.reply.bulk(encoding(e.value));
        }
      }
      case "refcount" -> {
        if (e == null) {
          c.reply.nullBulk();
        } else {
          c.reply.integer(1);
        }
      }
      case "idletime" -> {
        if (e == null) {
          c.reply.nullBulk();
        } else if (ks.policy().lfu()) {
          throw new CommandError(
              "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that"
                  + " when switching between policies at runtime LRU and LFU data will take some"
                  + " time to adjust.");
        } else {
          c.reply.integer(ks.idleMillis(e) / 1000);
        }
      }
      case "freq" -> {
        if (e == null) {
          c.reply.nullBulk();
        } else if (!ks.policy().lfu()) {
          throw new CommandError(
              "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please"
                  + " note that when switching between policies at runtime LRU and LFU data will"
                  + " take some time to adjust.");
        } else {
          c.reply.integer(ks.lfuDecrAndReturn(e));
        }
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try OBJECT HELP.");
    }
  }

  /** The encoding Redis 7.0 would use for a value of this shape. */
  public static String encoding(Object v) {
    switch (v) {
      case byte[] b -> {
        if (b.length <= 20 && Args.tryLong(b) != null) {
          return "int";
        }
        return b.length <= 44 ? "embstr" : "raw";
      }
      case ListValue l -> {
        // Redis 7.0 keeps every list in a quicklist; small lists became listpacks in 7.2.
        return "quicklist";
      }
      case ZSet z -> {
        return z.listpack() ? "listpack" : "skiplist";
      }
      case Dict d when d.kind() == Dict.Kind.HASH -> {
        return d.compact() ? "listpack" : "hashtable";
      }
      case Dict d -> {
        return d.compact() ? "intset" : "hashtable";
      }
      case Stream s -> {
        return "stream";
      }
      default -> {
        return "unknown";
      }
    }
  }

  // ---- expiry (expire.c) ----

  private static final byte[] DEL = Args.bytes("DEL");
  private static final byte[] PEXPIREAT = Args.bytes("PEXPIREAT");

  public static void expire(Client c, byte[][] a) {
    expireGeneric(c, a, 1000, false);
  }

  public static void pexpire(Client c, byte[][] a) {
    expireGeneric(c, a, 1, false);
  }

  public static void expireat(Client c, byte[][] a) {
    expireGeneric(c, a, 1000, true);
  }

  public static void pexpireat(Client c, byte[][] a) {
    expireGeneric(c, a, 1, true);
  }

  private static void expireGeneric(Client c, byte[][] a, long unit, boolean absolute) {
    long v = Args.toLong(a[2]);
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    for (int i = 3; i < a.length; i++) {
      if (is(a[i], "nx")) {
        nx = true;
      } else if (is(a[i], "xx")) {
        xx = true;
      } else if (is(a[i], "gt")) {
        gt = true;
      } else if (is(a[i], "lt")) {
        lt = true;
      } else {
        throw new CommandError("ERR Unsupported option " + Args.str(a[i]));
      }
    }
    if (nx && (xx || gt || lt)) {
      throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if (gt && lt) {
      throw new CommandError("ERR GT and LT options at the same time are not compatible");
    }
    String name = Args.lower(a[0]);
    CommandError invalid = new CommandError("ERR invalid expire time in '" + name + "' command");
    long now = c.server.keyspace.now();
    long when;
    if (unit == 1000) {
      if (v > Long.MAX_VALUE / 1000 || v < Long.MIN_VALUE / 1000) {
        throw invalid;
      }
      v *= 1000;
    }
    if (absolute) {
      when = v;
    } else {
      if ((v > 0 && now > Long.MAX_VALUE - v) || (v < 0 && now < Long.MIN_VALUE - v)) {
        throw invalid;
      }
      when = now + v;
    }
    Database db = c.db();
    KeyEntry e = db.peek(a[1]);
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    long current = e.expireAt;
    if ((nx && current != 0)
        || (xx && current == 0)
        || (gt && (current == 0 || when <= current))
        || (lt && current != 0 && when >= current)) {
      c.reply.integer(0);
      return;
    }
    db.lookupWrite(a[1]);
    if (when <= now) {
      db.remove(e);
      c.server.propagation.rewrite(DEL, a[1]);
      c.server.notify(db, a[1], 'g', "del");
    } else {
      db.setExpire(e, when);
      // an absolute time, so a replay later sets the same instant; the options stay, as in Redis
      byte[][] effect = a.clone();
      effect[0] = PEXPIREAT;
      effect[2] = Args.bytes(when);
      c.server.propagation.rewrite(effect);
      c.server.notify(db, a[1], 'g', "expire");
    }
    c.reply.integer(1);
  }

  public static void ttl(Client c, byte[][] a) {
    ttlGeneric(c, a, false, false);
  }

  public static void pttl(Client c, byte[][] a) {
    ttlGeneric(c, a, true, false);
  }

  public static void expiretime(Client c, byte[][] a) {
    ttlGeneric(c, a, false, true);
  }

  public static void pexpiretime(Client c, byte[][] a) {
    ttlGeneric(c, a, true, true);
  }

  private static void ttlGeneric(Client c, byte[][] a, boolean ms, boolean absolute) {
    KeyEntry e = c.db().lookupReadNoTouch(a[1]);
    if (e == null) {
      c.reply.integer(-2);
    } else if (e.expireAt == 0) {
      c.reply.integer(-1);
    } else if (absolute) {
      c.reply.integer(ms ? e.expireAt : (e.expireAt + 500) / 1000);
    } else {
      long ttl = Math.max(0, e.expireAt - c.server.keyspace.now());
      c.reply.integer(ms ? ttl : (ttl + 500) / 1000);
    }
  }

  public static void persist(Client c, byte[][] a) {
    Database db = c.db();
    KeyEntry e = db.peek(a[1]);
    if (e != null) {
      db.touch(e); // Redis's lookupKeyWrite, with or without a TTL to remove
    }
    if (e == null || e.expireAt == 0) {
      c.reply.integer(0);
      return;
    }
    db.lookupWrite(a[1]);
    db.setExpire(e, 0);
    c.server.notify(db, a[1], 'g', "persist");
    c.reply.integer(1);
  }

  // ---- databases ----

  public static void select(Client c, byte[][] a) {
    long id = Args.toLong(a[1]);
    if (id < 0 || id >= c.server.keyspace.count()) {
      throw new CommandError("ERR DB index is out of range");
    }
    c.select(c.server.keyspace.db((int) id));
    c.reply.ok();
  }

  public static void dbsize(Client c, byte[][] a) {
    c.reply.integer(c.db().size());
  }

  private static void flushMode(byte[][] a) {
    if (a.length > 2 || (a.length == 2 && !is(a[1], "async") && !is(a[1], "sync"))) {
      throw CommandError.SYNTAX;
    }
  }

  public static void flushdb(Client c, byte[][] a) {
    flushMode(a);
    c.server.keyspace.flush(c.db());
    c.server.propagation.force(); // an empty database flushed is still a FLUSHDB for a replica
    c.reply.ok();
  }

  public static void flushall(Client c, byte[][] a) {
    flushMode(a);
    c.server.keyspace.flushAll();
    c.server.propagation.force();
    c.reply.ok();
  }

  public static void swapdb(Client c, byte[][] a) {
    Long x = Args.tryLong(a[1]);
    if (x == null) {
      throw new CommandError("ERR invalid first DB index");
    }
    Long y = Args.tryLong(a[2]);
    if (y == null) {
      throw new CommandError("ERR invalid second DB index");
    }
    int n = c.server.keyspace.count();
    if (x < 0 || x >= n || y < 0 || y >= n) {
      throw new CommandError("ERR DB index is out of range");
    }
    c.server.keyspace.swap(x.intValue(), y.intValue());
    c.server.transactions.touchAll(x.intValue());
    c.server.transactions.touchAll(y.intValue());
    c.server.keysSwapped(c.server.keyspace.db(x.intValue()), c.server.keyspace.db(y.intValue()));
    c.reply.ok();
  }
}
