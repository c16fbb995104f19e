package dev.cairn.cache.types;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Set commands (Redis's t_set.c). A set is a {@link Dict} of members with null values. */
public final class Sets {
  private Sets() {}

  public static void sadd(Client c, byte[][] a) {
    Database db = c.db();
    Dict s = Values.set(db.lookupWrite(a[1]));
    if (s == null) {
      s = new Dict(Dict.Kind.SET, c.server.encodings);
      db.add(a[1], s);
    }
    int added = 0;
    for (int i = 2; i < a.length; i++) {
      if (s.put(a[i], null)) {
        added++;
      }
    }
    c.server.notify(db, a[1], 's', "sadd");
    c.reply.integer(added);
  }

  private static void deleteIfEmpty(Client c, Database db, byte[] key, Dict s) {
    if (s.isEmpty()) {
      db.delete(key);
      c.server.notify(db, key, 'g', "del");
    }
  }

  public static void srem(Client c, byte[][] a) {
    Database db = c.db();
    Dict s = Values.set(db.lookupWrite(a[1]));
    int n = 0;
    if (s != null) {
      for (int i = 2; i < a.length; i++) {
        if (s.remove(a[i]) != null) {
          n++;
        }
      }
      if (n > 0) {
        c.server.notify(db, a[1], 's', "srem");
      }
      deleteIfEmpty(c, db, a[1], s);
    }
    c.reply.integer(n);
  }

  static void replySet(Client c, List<byte[]> members) {
    c.reply.set(members.size());
    for (byte[] m : members) {
      c.reply.bulk(m);
    }
  }

  static List<byte[]> members(Dict s) {
    List<byte[]> out = new ArrayList<>(s == null ? 0 : s.size());
    if (s != null) {
      for (Dict.Entry e : s) {
        out.add(e.key);
      }
    }
    return out;
  }

  public static void smembers(Client c, byte[][] a) {
    replySet(c, members(Values.set(c.db().lookupRead(a[1]))));
  }

  public static void sismember(Client c, byte[][] a) {
    Dict s = Values.set(c.db().lookupRead(a[1]));
    c.reply.integer(s != null && s.contains(a[2]) ? 1 : 0);
  }

  public static void smismember(Client c, byte[][] a) {
    Dict s = Values.set(c.db().lookupRead(a[1]));
    c.reply.array(a.length - 2);
    for (int i = 2; i < a.length; i++) {
      c.reply.integer(s != null && s.contains(a[i]) ? 1 : 0);
    }
  }

  public static void scard(Client c, byte[][] a) {
    Dict s = Values.set(c.db().lookupRead(a[1]));
    c.reply.integer(s == null ? 0 : s.size());
  }

  public static void spop(Client c, byte[][] a) {
    if (a.length > 3) {
      throw CommandError.SYNTAX;
    }
    Database db = c.db();
    Dict s = Values.set(db.lookupRead(a[1]));
    if (a.length == 2) {
      if (s == null) {
        c.reply.nullBulk();
        return;
      }
      db.lookupWrite(a[1]);
      byte[] m = s.fairRandom().key;
      s.remove(m);
      c.server.propagation.rewrite(SREM, a[1], m);
      c.server.notify(db, a[1], 's', "spop");
      deleteIfEmpty(c, db, a[1], s);
      c.reply.bulk(m);
      return;
    }
    long count = Args.toLong(a[2]);
    if (count < 0) {
      throw new CommandError("ERR value is out of range, must be positive");
    }
    if (s == null) {
      c.reply.set(0);
      return;
    }
    db.lookupWrite(a[1]);
    List<byte[]> popped = new ArrayList<>();
    for (Dict.Entry e : Sampling.sample(s, count)) {
      popped.add(e.key);
    }
    for (byte[] m : popped) {
      s.remove(m);
    }
    propagatePopped(c, db, a[1], s, popped);
    if (!popped.isEmpty()) {
      c.server.notify(db, a[1], 's', "spop");
    }
    deleteIfEmpty(c, db, a[1], s);
    replySet(c, popped);
  }

  private static final byte[] SREM = Args.bytes("SREM");
  private static final byte[] DEL = Args.bytes("DEL");

  /** SREM batches of at most this many members stand for an SPOP with a count, as in Redis. */
  private static final int SPOP_BATCH = 1024;

  /**
   * SPOP with a count propagates what it removed: DEL when the set is gone, else SREM batches (the
   * members chosen at random must be the same on replay).
   */
  private static void propagatePopped(
      Client c, Database db, byte[] key, Dict s, List<byte[]> popped) {
    var p = c.server.propagation;
    if (s.isEmpty()) {
      p.rewrite(DEL, key);
      return;
    }
    p.prevent();
    for (int from = 0; from < popped.size(); from += SPOP_BATCH) {
      List<byte[]> batch = popped.subList(from, Math.min(popped.size(), from + SPOP_BATCH));
      byte[][] argv = new byte[batch.size() + 2][];
      argv[0] = SREM;
      argv[1] = key;
      for (int i = 0; i < batch.size(); i++) {
        argv[i + 2] = batch.get(i);
      }
      p.also(db.id, argv);
    }
  }

  public static void srandmember(Client c, byte[][] a) {
    if (a.length > 3) {
      throw CommandError.SYNTAX;
    }
    Dict s = Values.set(c.db().lookupRead(a[1]));
    if (a.length == 2) {
      c.reply.bulk(s == null ? null : s.fairRandom().key);
      return;
    }
    long count = Args.toLong(a[2]);
    Sampling.checkCount(count);
    if (s == null || count == 0) {
      c.reply.array(0);
      return;
    }
    List<Dict.Entry> picked = Sampling.sample(s, count);
    c.reply.array(picked.size());
    for (Dict.Entry e : picked) {
      c.reply.bulk(e.key);
    }
  }

  public static void smove(Client c, byte[][] a) {
    Database db = c.db();
    Dict src = Values.set(db.lookupRead(a[1]));
    Dict dst = Values.set(db.peek(a[2]));
    if (src == null || !src.contains(a[3])) {
      c.reply.integer(0);
      return;
    }
    if (src == dst) {
      c.reply.integer(1);
      return;
    }
    db.lookupWrite(a[1]);
    src.remove(a[3]);
    c.server.notify(db, a[1], 's', "srem");
    deleteIfEmpty(c, db, a[1], src);
    if (dst == null) {
      dst = new Dict(Dict.Kind.SET, c.server.encodings);
      db.add(a[2], dst);
    } else if (dst.contains(a[3])) {
      // the destination already had it: unchanged, so no WATCH of it fails and no "sadd"
      c.reply.integer(1);
      return;
    } else {
      db.lookupWrite(a[2]);
    }
    dst.put(a[3], null);
    c.server.notify(db, a[2], 's', "sadd");
    c.reply.integer(1);
  }

  // ---- algebra ----

  private enum Op {
    INTER,
    UNION,
    DIFF
  }

  /** Computes the operation over sets at keys (missing keys are empty sets). */
  private static List<byte[]> compute(Client c, byte[][] a, int from, int to, Op op, long limit) {
    Database db = c.db();
    List<Dict> sets = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sets.add(Values.set(db.lookupRead(a[i])));
    }
    List<byte[]> out = new ArrayList<>();
    switch (op) {
      case INTER -> {
        if (sets.contains(null)) {
          return out;
        }
        List<Dict> sorted = new ArrayList<>(sets);
        sorted.sort(Comparator.comparingInt(Dict::size));
        for (Dict.Entry e : sorted.get(0)) {
          boolean all = true;
          for (int k = 1; k < sorted.size() && all; k++) {
            all = sorted.get(k).contains(e.key);
          }
          if (all) {
            out.add(e.key);
            if (limit > 0 && out.size() >= limit) {
              break;
            }
          }
        }
      }
      case UNION -> {
        Dict acc = new Dict(Dict.Kind.SET, c.server.encodings);
        for (Dict s : sets) {
          if (s != null) {
            for (Dict.Entry e : s) {
              acc.put(e.key, null);
            }
          }
        }
        out = members(acc);
      }
      case DIFF -> {
        if (sets.get(0) != null) {
          for (Dict.Entry e : sets.get(0)) {
            boolean keep = true;
            for (int k = 1; k < sets.size() && keep; k++) {
              keep = sets.get(k) == null || !sets.get(k).contains(e.key);
            }
            if (keep) {
              out.add(e.key);
            }
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  private static void store(Client c, byte[] dest, List<byte[]> members, String event) {
    Database db = c.db();
    boolean existed = db.delete(dest);
    if (!members.isEmpty()) {
      Dict s = new Dict(Dict.Kind.SET, c.server.encodings);
      for (byte[] m : members) {
        s.put(m, null);
      }
      db.add(dest, s);
      c.server.notify(db, dest, 's', event);
    } else if (existed) {
      c.server.notify(db, dest, 'g', "del");
    }
    c.reply.integer(members.size());
  }

  public static void sinter(Client c, byte[][] a) {
    replySet(c, compute(c, a, 1, a.length, Op.INTER, 0));
  }

  public static void sunion(Client c, byte[][] a) {
    replySet(c, compute(c, a, 1, a.length, Op.UNION, 0));
  }

  public static void sdiff(Client c, byte[][] a) {
    replySet(c, compute(c, a, 1, a.length, Op.DIFF, 0));
  }

  public static void sinterstore(Client c, byte[][] a) {
    store(c, a[1], compute(c, a, 2, a.length, Op.INTER, 0), "sinterstore");
  }

  public static void sunionstore(Client c, byte[][] a) {
    store(c, a[1], compute(c, a, 2, a.length, Op.UNION, 0), "sunionstore");
  }

  public static void sdiffstore(Client c, byte[][] a) {
    store(c, a[1], compute(c, a, 2, a.length, Op.DIFF, 0), "sdiffstore");
  }

  /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
  public static void sintercard(Client c, byte[][] a) {
    int keysEnd =
        Args.intercardKeys(
            a,
            Args.NUMKEYS,
            Args.NUMKEYS,
            new CommandError("ERR Number of keys can't be greater than number of args"));
    long limit = Args.intercardLimit(a, keysEnd);
    c.reply.integer(compute(c, a, 2, keysEnd, Op.INTER, limit).size());
  }

  public static void sscan(Client c, byte[][] a) {
    long cursor = Keys.cursor(a[2]);
    Keys.ScanOptions o = Keys.ScanOptions.parse(a, 3, false);
    Dict s = Values.set(c.db().lookupRead(a[1]));
    List<byte[]> out = new ArrayList<>();
    cursor = s == null ? 0 : Hashes.scan(s, cursor, o, out, false);
    c.reply.array(2);
    c.reply.bulk(Long.toUnsignedString(cursor));
    c.reply.bulks(out, out.size());
  }
}
