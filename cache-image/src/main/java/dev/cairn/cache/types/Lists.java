package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * List commands (Redis's t_list.c), including the blocking ones: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE
 * and BLMPOP try to serve at once and otherwise park the client (see {@code Blocking}); the retry
 * when a key gets data runs the same handler again. Inside MULTI they never block: they answer null
 * as if the timeout had passed. A list that becomes empty is deleted, as in Redis.
 */
public final class Lists {
  private Lists() {}

  public static void lpush(Client c, byte[][] a) {
    push(c, a, true, false);
  }

  public static void rpush(Client c, byte[][] a) {
    push(c, a, false, false);
  }

  public static void lpushx(Client c, byte[][] a) {
    push(c, a, true, true);
  }

  public static void rpushx(Client c, byte[][] a) {
    push(c, a, false, true);
  }

  private static void push(Client c, byte[][] a, boolean left, boolean onlyExisting) {
    Database db = c.db();
    KeyEntry e = db.lookupWrite(a[1]);
    ListValue l = Values.list(e);
    if (l == null) {
      if (onlyExisting) {
        c.reply.integer(0);
        return;
      }
      l = new ListValue();
      db.add(a[1], l);
    }
    for (int i = 2; i < a.length; i++) {
      if (left) {
        l.addFirst(a[i]);
      } else {
        l.addLast(a[i]);
      }
    }
    c.server.notify(db, a[1], 'l', left ? "lpush" : "rpush");
    c.reply.integer(l.size());
  }

  public static void lpop(Client c, byte[][] a) {
    pop(c, a, true);
  }

  public static void rpop(Client c, byte[][] a) {
    pop(c, a, false);
  }

  private static void pop(Client c, byte[][] a, boolean left) {
    if (a.length > 3) {
      throw Args.wrongArgs(left ? "lpop" : "rpop");
    }
    long count = -1;
    if (a.length == 3) {
      count = Args.toLong(a[2]);
      if (count < 0) {
        throw new CommandError("ERR value is out of range, must be positive");
      }
    }
    Database db = c.db();
    KeyEntry e = db.lookupRead(a[1]);
    ListValue l = Values.list(e);
    if (l == null) {
      if (count >= 0) {
        c.reply.nullArray();
      } else {
        c.reply.nullBulk();
      }
      return;
    }
    if (count == 0) {
      c.reply.array(0);
      return;
    }
    db.lookupWrite(a[1]);
    if (count < 0) {
      c.reply.bulk(left ? l.removeFirst() : l.removeLast());
    } else {
      int n = (int) Math.min(count, l.size());
      c.reply.array(n);
      for (int i = 0; i < n; i++) {
        c.reply.bulk(left ? l.removeFirst() : l.removeLast());
      }
    }
    c.server.notify(db, a[1], 'l', left ? "lpop" : "rpop");
    deleteIfEmpty(c, db, e, l);
  }

  private static void deleteIfEmpty(Client c, Database db, KeyEntry e, ListValue l) {
    if (l.size() == 0) {
      db.remove(e);
      c.server.notify(db, e.key, 'g', "del");
    }
  }

  public static void llen(Client c, byte[][] a) {
    ListValue l = Values.list(c.db().lookupRead(a[1]));
    c.reply.integer(l == null ? 0 : l.size());
  }

  /** Normalizes [start, stop] against size; null if empty. */
  static int[] range(long start, long stop, int size) {
    if (start < 0) {
      start = size + start;
    }
    if (stop < 0) {
      stop = size + stop;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > stop || start >= size) {
      return null;
    }
    if (stop >= size) {
      stop = size - 1;
    }
    return new int[] {(int) start, (int) stop};
  }

  public static void lrange(Client c, byte[][] a) {
    long start = Args.toLong(a[2]);
    long stop = Args.toLong(a[3]);
    ListValue l = Values.list(c.db().lookupRead(a[1]));
    int[] r = l == null ? null : range(start, stop, l.size());
    if (r == null) {
      c.reply.array(0);
      return;
    }
    c.reply.array(r[1] - r[0] + 1);
    for (int i = r[0]; i <= r[1]; i++) {
      c.reply.bulk(l.get(i));
    }
  }

  public static void lindex(Client c, byte[][] a) {
    long index = Args.toLong(a[2]);
    ListValue l = Values.list(c.db().lookupRead(a[1]));
    if (l == null) {
      c.reply.nullBulk();
      return;
    }
    if (index < 0) {
      index += l.size();
    }
    c.reply.bulk(index < 0 || index >= l.size() ? null : l.get((int) index));
  }

  public static void lset(Client c, byte[][] a) {
    long index = Args.toLong(a[2]);
    Database db = c.db();
    ListValue l = Values.list(db.lookupWrite(a[1]));
    if (l == null) {
      throw CommandError.NO_SUCH_KEY;
    }
    if (index < 0) {
      index += l.size();
    }
    if (index < 0 || index >= l.size()) {
      throw new CommandError("ERR index out of range");
    }
    l.set((int) index, a[3]);
    c.server.notify(db, a[1], 'l', "lset");
    c.reply.ok();
  }

  public static void linsert(Client c, byte[][] a) {
    boolean before;
    if (is(a[2], "before")) {
      before = true;
    } else if (is(a[2], "after")) {
      before = false;
    } else {
      throw CommandError.SYNTAX;
    }
    Database db = c.db();
    ListValue l = Values.list(db.lookupRead(a[1]));
    if (l == null) {
      c.reply.integer(0);
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      if (Arrays.equals(l.get(i), a[3])) {
        db.lookupWrite(a[1]);
        l.insert(before ? i : i + 1, a[4]);
        c.server.notify(db, a[1], 'l', "linsert");
        c.reply.integer(l.size());
        return;
      }
    }
    c.reply.integer(-1);
  }

  public static void lrem(Client c, byte[][] a) {
    long count = Args.toLong(a[2]);
    Database db = c.db();
    KeyEntry e = db.lookupRead(a[1]);
    ListValue l = Values.list(e);
    if (l == null) {
      c.reply.integer(0);
      return;
    }
    long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
    int removed = 0;
    if (count >= 0) {
      for (int i = 0; i < l.size() && removed < limit; ) {
        if (Arrays.equals(l.get(i), a[3])) {
          l.remove(i);
          removed++;
        } else {
          i++;
        }
      }
    } else {
      for (int i = l.size() - 1; i >= 0 && removed < limit; i--) {
        if (Arrays.equals(l.get(i), a[3])) {
          l.remove(i);
          removed++;
        }
      }
    }
    if (removed > 0) {
      db.lookupWrite(a[1]);
      c.server.notify(db, a[1], 'l', "lrem");
      deleteIfEmpty(c, db, e, l);
    }
    c.reply.integer(removed);
  }

  public static void ltrim(Client c, byte[][] a) {
    long start = Args.toLong(a[2]);
    long stop = Args.toLong(a[3]);
    Database db = c.db();
    KeyEntry e = db.lookupWrite(a[1]);
    ListValue l = Values.list(e);
    if (l != null) {
      int[] r = range(start, stop, l.size());
      if (r == null) {
        l.trim(0, -1);
      } else {
        l.trim(r[0], r[1]);
      }
      c.server.notify(db, a[1], 'l', "ltrim");
      deleteIfEmpty(c, db, e, l);
    }
    c.reply.ok();
  }

  /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
  public static void lpos(Client c, byte[][] a) {
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int i = 3; i < a.length; i++) {
      boolean hasNext = i + 1 < a.length;
      if (is(a[i], "rank") && hasNext) {
        rank = Args.toLong(a[++i]);
        if (rank == 0) {
          throw new CommandError(
              "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second"
                  + " ... or use negative to start from the end of the list");
        }
        if (rank == Long.MIN_VALUE) {
          throw new CommandError(
              "ERR value is out of range, value must between -9223372036854775807 and"
                  + " 9223372036854775807");
        }
      } else if (is(a[i], "count") && hasNext) {
        count = Args.toLong(a[++i]);
        if (count < 0) {
          throw new CommandError("ERR COUNT can't be negative");
        }
      } else if (is(a[i], "maxlen") && hasNext) {
        maxlen = Args.toLong(a[++i]);
        if (maxlen < 0) {
          throw new CommandError("ERR MAXLEN can't be negative");
        }
      } else {
        throw CommandError.SYNTAX;
      }
    }
    ListValue l = Values.list(c.db().lookupRead(a[1]));
    List<Long> found = new ArrayList<>();
    if (l != null) {
      int n = l.size();
      long skip = Math.abs(rank) - 1;
      long want = count < 0 ? 1 : (count == 0 ? Long.MAX_VALUE : count);
      long scanned = 0;
      for (int k = 0; k < n && found.size() < want && (maxlen == 0 || scanned < maxlen); k++) {
        int i = rank > 0 ? k : n - 1 - k;
        scanned++;
        if (Arrays.equals(l.get(i), a[2])) {
          if (skip > 0) {
            skip--;
          } else {
            found.add((long) i);
          }
        }
      }
    }
    if (count < 0) {
      if (found.isEmpty()) {
        c.reply.nullBulk();
      } else {
        c.reply.integer(found.get(0));
      }
      return;
    }
    c.reply.array(found.size());
    for (long f : found) {
      c.reply.integer(f);
    }
  }

  // ---- moves and multi-key pops ----

  public static void rpoplpush(Client c, byte[][] a) {
    if (!move(c, a[1], a[2], false, true)) {
      c.reply.nullBulk();
    }
  }

  public static void lmove(Client c, byte[][] a) {
    boolean fromLeft = side(a[3]);
    boolean toLeft = side(a[4]);
    if (!move(c, a[1], a[2], fromLeft, toLeft)) {
      c.reply.nullBulk();
    }
  }

  private static boolean side(byte[] arg) {
    if (is(arg, "left")) {
      return true;
    }
    if (is(arg, "right")) {
      return false;
    }
    throw CommandError.SYNTAX;
  }

  /** Pops from src and pushes to dst, replying with the element; false if src is empty. */
  private static boolean move(Client c, byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
    Database db = c.db();
    KeyEntry se = db.lookupRead(src);
    ListValue sl = Values.list(se);
    if (sl == null) {
      return false;
    }
    ListValue dl = Values.list(db.peek(dst));
    db.lookupWrite(src);
    byte[] v = fromLeft ? sl.removeFirst() : sl.removeLast();
    if (dl == null && Arrays.equals(src, dst)) {
      dl = sl;
    }
    if (dl == null) {
      dl = new ListValue();
      db.add(dst, dl);
    } else {
      db.lookupWrite(dst);
    }
    if (toLeft) {
      dl.addFirst(v);
    } else {
      dl.addLast(v);
    }
    // as Redis: the push is announced before the pop
    c.server.notify(db, dst, 'l', toLeft ? "lpush" : "rpush");
    c.server.notify(db, src, 'l', fromLeft ? "lpop" : "rpop");
    if (sl.size() == 0 && sl != dl) {
      deleteIfEmpty(c, db, se, sl);
    }
    c.reply.bulk(v);
    return true;
  }

  /** Parsed "numkeys key... LEFT|RIGHT [COUNT n]" (LMPOP/BLMPOP). */
  private record MultiPop(List<byte[]> keys, boolean left, long count) {
    static MultiPop parse(byte[][] a, int from) {
      long numkeys = Args.numkeys(a[from]);
      if (numkeys > a.length - from - 2) {
        throw CommandError.SYNTAX;
      }
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < numkeys; i++) {
        keys.add(a[from + 1 + i]);
      }
      int i = (int) (from + 1 + numkeys);
      boolean left = side(a[i++]);
      long count = Args.mpopCount(a, i, -1);
      return new MultiPop(keys, left, count);
    }
  }

  public static void lmpop(Client c, byte[][] a) {
    MultiPop m = MultiPop.parse(a, 1);
    if (!popFirstNonEmpty(c, m)) {
      c.reply.nullArray();
    }
  }

  private static boolean popFirstNonEmpty(Client c, MultiPop m) {
    Database db = c.db();
    for (byte[] key : m.keys()) {
      KeyEntry e = db.lookupRead(key);
      ListValue l = Values.list(e);
      if (l == null) {
        continue;
      }
      db.lookupWrite(key);
      int n = (int) Math.min(m.count() < 0 ? 1 : m.count(), l.size());
      c.reply.array(2);
      c.reply.bulk(key);
      c.reply.array(n);
      for (int i = 0; i < n; i++) {
        c.reply.bulk(m.left() ? l.removeFirst() : l.removeLast());
      }
      c.server.propagation.rewrite(m.left() ? LPOP : RPOP, key, Args.bytes(n));
      c.server.notify(db, key, 'l', m.left() ? "lpop" : "rpop");
      deleteIfEmpty(c, db, e, l);
      return true;
    }
    return false;
  }

  // blocking pops and LMPOP propagate as the plain pop they did (see Propagation)
  private static final byte[] LPOP = Args.bytes("LPOP");
  private static final byte[] RPOP = Args.bytes("RPOP");
  private static final byte[] RPOPLPUSH = Args.bytes("RPOPLPUSH");
  private static final byte[] LMOVE = Args.bytes("LMOVE");

  public static void blpop(Client c, byte[][] a) {
    blockingPop(c, a, true);
  }

  public static void brpop(Client c, byte[][] a) {
    blockingPop(c, a, false);
  }

  private static void blockingPop(Client c, byte[][] a, boolean left) {
    long timeout = Args.timeoutMillis(a[a.length - 1]);
    Database db = c.db();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 1; i < a.length - 1; i++) {
      keys.add(a[i]);
      KeyEntry e = db.lookupRead(a[i]);
      ListValue l = Values.list(e);
      if (l != null) {
        db.lookupWrite(a[i]);
        c.reply.array(2);
        c.reply.bulk(a[i]);
        c.reply.bulk(left ? l.removeFirst() : l.removeLast());
        c.server.propagation.rewrite(left ? LPOP : RPOP, a[i]);
        c.server.notify(db, a[i], 'l', left ? "lpop" : "rpop");
        deleteIfEmpty(c, db, e, l);
        return;
      }
    }
    blockOrNull(c, keys, timeout);
  }

  static void blockOrNull(Client c, List<byte[]> keys, long timeout) {
    if (c.canBlock()) {
      c.block(keys, timeout);
    } else {
      c.reply.nullArray();
    }
  }

  public static void brpoplpush(Client c, byte[][] a) {
    long timeout = Args.timeoutMillis(a[3]);
    if (move(c, a[1], a[2], false, true)) {
      c.server.propagation.rewrite(RPOPLPUSH, a[1], a[2]);
    } else {
      blockOrNull(c, List.of(a[1]), timeout);
    }
  }

  public static void blmove(Client c, byte[][] a) {
    boolean fromLeft = side(a[3]);
    boolean toLeft = side(a[4]);
    long timeout = Args.timeoutMillis(a[5]);
    if (move(c, a[1], a[2], fromLeft, toLeft)) {
      c.server.propagation.rewrite(LMOVE, a[1], a[2], a[3], a[4]);
    } else {
      blockOrNull(c, List.of(a[1]), timeout);
    }
  }

  public static void blmpop(Client c, byte[][] a) {
    long timeout = Args.timeoutMillis(a[1]);
    MultiPop m = MultiPop.parse(a, 2);
    if (!popFirstNonEmpty(c, m)) {
      blockOrNull(c, m.keys(), timeout);
    }
  }
}
