package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * String commands (Redis's t_string.c and bitops.c). Strings are byte arrays, replaced on every
 * write (never mutated in place, so a reply that still references one is safe). Integers are kept
 * as their decimal text; INCR parses and re-formats.
 */
public final class Strings {
  private Strings() {}

  private static final long NO_EXPIRE = -1;
  private static final long KEEP_TTL = -2;

  // what string commands propagate as (their effects, see Propagation)
  private static final byte[] SET = Args.bytes("SET");
  private static final byte[] PXAT = Args.bytes("PXAT");
  private static final byte[] KEEPTTL = Args.bytes("KEEPTTL");
  private static final byte[] DEL = Args.bytes("DEL");
  private static final byte[] PEXPIREAT = Args.bytes("PEXPIREAT");
  private static final byte[] PERSIST = Args.bytes("PERSIST");

  public static void get(Client c, byte[][] a) {
    c.reply.bulk(Values.string(c.db().lookupRead(a[1])));
  }

  /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. */
  public static void set(Client c, byte[][] a) {
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    long expireAt = NO_EXPIRE;
    boolean expireGiven = false;
    for (int i = 3; i < a.length; i++) {
      byte[] o = a[i];
      boolean hasNext = i + 1 < a.length;
      if (is(o, "nx") && !xx) {
        nx = true;
      } else if (is(o, "xx") && !nx) {
        xx = true;
      } else if (is(o, "get")) {
        get = true;
      } else if (is(o, "keepttl") && !expireGiven) {
        expireGiven = true;
        expireAt = KEEP_TTL;
      } else if ((is(o, "ex") || is(o, "px") || is(o, "exat") || is(o, "pxat"))
          && !expireGiven
          && hasNext) {
        expireGiven = true;
        expireAt = expireTime(c, o, a[++i], "set");
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Database db = c.db();
    KeyEntry e = db.peek(a[1]);
    byte[] old = null;
    if (get) {
      old = Values.string(e);
    }
    if ((nx && e != null) || (xx && e == null)) {
      if (get) {
        c.reply.bulk(old);
      } else {
        c.reply.nullBulk();
      }
      return;
    }
    KeyEntry n = db.set(a[1], a[2], expireAt == KEEP_TTL);
    if (expireAt >= 0) {
      db.setExpire(n, expireAt);
      c.server.propagation.rewrite(SET, a[1], a[2], PXAT, Args.bytes(expireAt));
    } else if (get) {
      c.server.propagation.rewrite(withoutGet(a));
    }
    c.server.notify(db, a[1], '$', "set");
    if (expireAt >= 0) {
      c.server.notify(db, a[1], 'g', "expire");
    }
    if (get) {
      c.reply.bulk(old);
    } else {
      c.reply.ok();
    }
  }

  /** SET's arguments without GET, which a replay must not see (it has no one to answer). */
  private static byte[][] withoutGet(byte[][] a) {
    List<byte[]> kept = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      if (i < 3 || !is(a[i], "get")) {
        kept.add(a[i]);
      }
    }
    return kept.toArray(new byte[0][]);
  }

  /** The absolute expiry in ms for EX/PX/EXAT/PXAT and its argument; errors as Redis. */
  static long expireTime(Client c, byte[] unit, byte[] arg, String cmd) {
    long v = Args.toLong(arg);
    CommandError invalid = new CommandError("ERR invalid expire time in '" + cmd + "' command");
    if (v <= 0) {
      throw invalid;
    }
    boolean seconds = is(unit, "ex") || is(unit, "exat");
    boolean relative = is(unit, "ex") || is(unit, "px");
    if (seconds) {
      if (v > Long.MAX_VALUE / 1000) {
        throw invalid;
      }
      v *= 1000;
    }
    if (relative) {
      long now = c.server.keyspace.now();
      if (v > Long.MAX_VALUE - now) {
        throw invalid;
      }
      v += now;
    }
    return v;
  }

  public static void setnx(Client c, byte[][] a) {
    Database db = c.db();
    if (db.peek(a[1]) != null) {
      c.reply.integer(0);
      return;
    }
    db.add(a[1], a[2]);
    c.server.notify(db, a[1], '$', "set");
    c.reply.integer(1);
  }

  public static void setex(Client c, byte[][] a) {
    setWithExpire(c, a, "ex", "setex");
  }

  public static void psetex(Client c, byte[][] a) {
    setWithExpire(c, a, "px", "psetex");
  }

  private static void setWithExpire(Client c, byte[][] a, String unit, String cmd) {
    long at = expireTime(c, Args.bytes(unit), a[2], cmd);
    Database db = c.db();
    KeyEntry e = db.set(a[1], a[3], false);
    db.setExpire(e, at);
    c.server.propagation.rewrite(SET, a[1], a[3], PXAT, Args.bytes(at));
    c.server.notify(db, a[1], '$', "set");
    c.server.notify(db, a[1], 'g', "expire");
    c.reply.ok();
  }

  public static void getset(Client c, byte[][] a) {
    Database db = c.db();
    byte[] old = Values.string(db.lookupRead(a[1]));
    db.set(a[1], a[2], false);
    c.server.notify(db, a[1], '$', "set");
    c.reply.bulk(old);
  }

  public static void getdel(Client c, byte[][] a) {
    Database db = c.db();
    KeyEntry e = db.lookupRead(a[1]);
    byte[] v = Values.string(e);
    if (e != null) {
      db.remove(e);
      c.server.propagation.rewrite(DEL, a[1]);
      c.server.notify(db, a[1], 'g', "del");
    }
    c.reply.bulk(v);
  }

  /** GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]. */
  public static void getex(Client c, byte[][] a) {
    long at = NO_EXPIRE;
    boolean persist = false;
    if (a.length == 4) {
      at = expireTime(c, a[2], a[3], "getex");
      if (!(is(a[2], "ex") || is(a[2], "px") || is(a[2], "exat") || is(a[2], "pxat"))) {
        throw CommandError.SYNTAX;
      }
    } else if (a.length == 3 && is(a[2], "persist")) {
      persist = true;
    } else if (a.length != 2) {
      throw CommandError.SYNTAX;
    }
    Database db = c.db();
    KeyEntry e = db.lookupRead(a[1]);
    byte[] v = Values.string(e);
    if (e != null) {
      if (at > 0 && at <= c.server.keyspace.now()) {
        // an EXAT/PXAT already past deletes the key, as Redis's checkAlreadyExpired
        db.remove(e);
        c.server.propagation.rewrite(DEL, a[1]);
        c.server.notify(db, a[1], 'g', "del");
      } else if (at > 0) {
        db.lookupWrite(a[1]);
        db.setExpire(e, at);
        c.server.propagation.rewrite(PEXPIREAT, a[1], Args.bytes(at));
        c.server.notify(db, a[1], 'g', "expire");
      } else if (persist && e.expireAt != 0) {
        db.lookupWrite(a[1]);
        db.setExpire(e, 0);
        c.server.propagation.rewrite(PERSIST, a[1]);
        c.server.notify(db, a[1], 'g', "persist");
      }
    }
    c.reply.bulk(v);
  }

  public static void mget(Client c, byte[][] a) {
    c.reply.array(a.length - 1);
    Database db = c.db();
    for (int i = 1; i < a.length; i++) {
      KeyEntry e = db.lookupRead(a[i]);
      c.reply.bulk(e != null && e.value instanceof byte[] b ? b : null);
    }
  }

  public static void mset(Client c, byte[][] a) {
    if (a.length % 2 == 0) {
      throw Args.wrongArgs("mset");
    }
    Database db = c.db();
    for (int i = 1; i < a.length; i += 2) {
      db.set(a[i], a[i + 1], false);
      c.server.notify(db, a[i], '$', "set");
    }
    c.reply.ok();
  }

  public static void msetnx(Client c, byte[][] a) {
    if (a.length % 2 == 0) {
      throw Args.wrongArgs("msetnx");
    }
    Database db = c.db();
    for (int i = 1; i < a.length; i += 2) {
      if (db.peek(a[i]) != null) {
        c.reply.integer(0);
        return;
      }
    }
    for (int i = 1; i < a.length; i += 2) {
      db.set(a[i], a[i + 1], false);
      c.server.notify(db, a[i], '$', "set");
    }
    c.reply.integer(1);
  }

  public static void strlen(Client c, byte[][] a) {
    byte[] v = Values.string(c.db().lookupRead(a[1]));
    c.reply.integer(v == null ? 0 : v.length);
  }

  /** Refuses a string longer than proto-max-bulk-len (or than a Java array can be). */
  private static void checkSize(Client c, long size) {
    if (size < 0
        || size > c.server.config().get(CacheConfig.PROTO_MAX_BULK_LEN)
        || size > Integer.MAX_VALUE - 8) {
      throw new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
  }

  public static void append(Client c, byte[][] a) {
    Database db = c.db();
    KeyEntry e = db.lookupWrite(a[1]);
    byte[] old = Values.string(e);
    byte[] v;
    if (old == null) {
      v = a[2];
    } else {
      checkSize(c, (long) old.length + a[2].length);
      v = Arrays.copyOf(old, old.length + a[2].length);
      System.arraycopy(a[2], 0, v, old.length, a[2].length);
    }
    db.set(a[1], v, true);
    c.server.notify(db, a[1], '$', "append");
    c.reply.integer(v.length);
  }

  public static void incr(Client c, byte[][] a) {
    incrBy(c, a[1], 1);
  }

  public static void decr(Client c, byte[][] a) {
    incrBy(c, a[1], -1);
  }

  public static void incrby(Client c, byte[][] a) {
    incrBy(c, a[1], Args.toLong(a[2]));
  }

  public static void decrby(Client c, byte[][] a) {
    long d = Args.toLong(a[2]);
    if (d == Long.MIN_VALUE) {
      throw new CommandError("ERR decrement would overflow");
    }
    incrBy(c, a[1], -d);
  }

  private static void incrBy(Client c, byte[] key, long delta) {
    Database db = c.db();
    KeyEntry e = db.peek(key);
    byte[] old = Values.string(e);
    long v = old == null ? 0 : Args.toLong(old);
    long r = v + delta;
    if (((v ^ r) & (delta ^ r)) < 0) {
      throw CommandError.OVERFLOW;
    }
    if (e == null) {
      db.add(key, Args.bytes(r));
    } else {
      db.replace(e, Args.bytes(r));
    }
    c.server.notify(db, key, '$', "incrby");
    c.reply.integer(r);
  }

  public static void incrbyfloat(Client c, byte[][] a) {
    Database db = c.db();
    byte[] old = Values.string(db.peek(a[1]));
    String notFloat = "ERR value is not a valid float";
    BigDecimal v = old == null ? BigDecimal.ZERO : FloatIncrement.parse(old, notFloat);
    byte[] text = FloatIncrement.sum(v, FloatIncrement.parse(a[2], notFloat));
    db.set(a[1], text, true);
    // the result, not the increment: float formatting must not differ on replay
    c.server.propagation.rewrite(SET, a[1], text, KEEPTTL);
    c.server.notify(db, a[1], '$', "incrbyfloat");
    c.reply.bulk(text);
  }

  /**
   * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence by the
   * textbook dynamic programme, walked back from the end as Redis does, so IDX lists the matching
   * ranges last to first exactly as Redis does.
   */
  public static void lcs(Client c, byte[][] a) {
    KeyEntry ea = c.db().lookupRead(a[1]);
    KeyEntry eb = c.db().lookupRead(a[2]);
    if ((ea != null && !(ea.value instanceof byte[]))
        || (eb != null && !(eb.value instanceof byte[]))) {
      throw new CommandError("ERR The specified keys must contain string values");
    }
    byte[] x = ea == null ? new byte[0] : (byte[]) ea.value;
    byte[] y = eb == null ? new byte[0] : (byte[]) eb.value;
    boolean getIdx = false;
    boolean getLen = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    for (int i = 3; i < a.length; i++) {
      if (is(a[i], "idx")) {
        getIdx = true;
      } else if (is(a[i], "len")) {
        getLen = true;
      } else if (is(a[i], "withmatchlen")) {
        withMatchLen = true;
      } else if (is(a[i], "minmatchlen") && i + 1 < a.length) {
        minMatchLen = Math.max(0, Args.toLong(a[++i]));
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (getIdx && getLen) {
      throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
    }
    int w = y.length + 1;
    long cells = (long) (x.length + 1) * w;
    if (cells * 4 > c.server.config().get(CacheConfig.PROTO_MAX_BULK_LEN)
        || cells > Integer.MAX_VALUE) {
      throw new CommandError(
          "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    int[] t = new int[(int) cells];
    for (int i = 1; i <= x.length; i++) {
      for (int j = 1; j <= y.length; j++) {
        t[i * w + j] =
            x[i - 1] == y[j - 1]
                ? t[(i - 1) * w + j - 1] + 1
                : Math.max(t[(i - 1) * w + j], t[i * w + j - 1]);
      }
    }
    int total = t[x.length * w + y.length];
    if (getLen) {
      c.reply.integer(total);
      return;
    }
    byte[] result = new byte[total];
    List<long[]> ranges = new ArrayList<>();
    int idx = total;
    int i = x.length;
    int j = y.length;
    int aStart = -1;
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (x[i - 1] == y[j - 1]) {
        result[--idx] = x[i - 1];
        if (aStart < 0) {
          aStart = aEnd = i - 1;
          bStart = bEnd = j - 1;
        } else {
          aStart--;
          bStart--;
        }
        emit = aStart == 0 || bStart == 0;
        i--;
        j--;
      } else {
        if (t[(i - 1) * w + j] > t[i * w + j - 1]) {
          i--;
        } else {
          j--;
        }
        emit = aStart >= 0;
      }
      if (emit) {
        long len = aEnd - aStart + 1;
        if (minMatchLen == 0 || len >= minMatchLen) {
          ranges.add(new long[] {aStart, aEnd, bStart, bEnd, len});
        }
        aStart = -1;
      }
    }
    if (!getIdx) {
      c.reply.bulk(result);
      return;
    }
    c.reply.map(2);
    c.reply.bulk("matches");
    c.reply.array(ranges.size());
    for (long[] r : ranges) {
      c.reply.array(withMatchLen ? 3 : 2);
      c.reply.array(2);
      c.reply.integer(r[0]);
      c.reply.integer(r[1]);
      c.reply.array(2);
      c.reply.integer(r[2]);
      c.reply.integer(r[3]);
      if (withMatchLen) {
        c.reply.integer(r[4]);
      }
    }
    c.reply.bulk("len");
    c.reply.integer(total);
  }

  public static void getrange(Client c, byte[][] a) {
    long start = Args.toLong(a[2]);
    long end = Args.toLong(a[3]);
    byte[] v = Values.string(c.db().lookupRead(a[1]));
    if (v == null) {
      c.reply.bulk(new byte[0]);
      return;
    }
    int len = v.length;
    if (start < 0 && end < 0 && start > end) {
      c.reply.bulk(new byte[0]);
      return;
    }
    if (start < 0) {
      start = Math.max(0, len + start);
    }
    if (end < 0) {
      end = Math.max(0, len + end);
    }
    if (end >= len) {
      end = len - 1;
    }
    if (start > end || len == 0) {
      c.reply.bulk(new byte[0]);
      return;
    }
    c.reply.bulk(Arrays.copyOfRange(v, (int) start, (int) end + 1));
  }

  public static void setrange(Client c, byte[][] a) {
    long offset = Args.toLong(a[2]);
    if (offset < 0) {
      throw new CommandError("ERR offset is out of range");
    }
    Database db = c.db();
    KeyEntry e = db.lookupWrite(a[1]);
    byte[] old = Values.string(e);
    byte[] value = a[3];
    if (old == null) {
      if (value.length == 0) {
        c.reply.integer(0);
        return;
      }
      old = new byte[0];
    } else if (value.length == 0) {
      c.reply.integer(old.length);
      return;
    }
    // offset near Long.MAX_VALUE would overflow the sum
    checkSize(c, offset > Long.MAX_VALUE - value.length ? -1 : offset + value.length);
    byte[] v = Arrays.copyOf(old, (int) Math.max(old.length, offset + value.length));
    System.arraycopy(value, 0, v, (int) offset, value.length);
    db.set(a[1], v, true);
    c.server.notify(db, a[1], '$', "setrange");
    c.reply.integer(v.length);
  }

  // ---- bit operations (bitops.c) ----

  private static long bitOffset(byte[] arg) {
    Long v = Args.tryLong(arg);
    if (v == null || v < 0 || v >= (1L << 32)) {
      throw new CommandError("ERR bit offset is not an integer or out of range");
    }
    return v;
  }

  public static void setbit(Client c, byte[][] a) {
    long offset = bitOffset(a[2]);
    Long bit = Args.tryLong(a[3]);
    if (bit == null || (bit != 0 && bit != 1)) {
      throw new CommandError("ERR bit is not an integer or out of range");
    }
    Database db = c.db();
    byte[] old = Values.string(db.lookupMaybeWrite(a[1]));
    int byteIndex = (int) (offset >>> 3);
    checkSize(c, byteIndex + 1L);
    int mask = 1 << (7 - (int) (offset & 7));
    if (old != null && byteIndex < old.length) {
      int previous = (old[byteIndex] & mask) != 0 ? 1 : 0;
      if (previous == bit) {
        // as Redis: the bit already so is no change (no event, no WATCH failure, not propagated)
        c.reply.integer(previous);
        return;
      }
    }
    byte[] v =
        old == null
            ? new byte[byteIndex + 1]
            : Arrays.copyOf(old, Math.max(old.length, byteIndex + 1));
    int previous = (v[byteIndex] & mask) != 0 ? 1 : 0;
    if (bit == 1) {
      v[byteIndex] |= (byte) mask;
    } else {
      v[byteIndex] &= (byte) ~mask;
    }
    db.set(a[1], v, true);
    c.server.notify(db, a[1], '$', "setbit");
    c.reply.integer(previous);
  }

  public static void getbit(Client c, byte[][] a) {
    long offset = bitOffset(a[2]);
    byte[] v = Values.string(c.db().lookupRead(a[1]));
    int byteIndex = (int) (offset >>> 3);
    if (v == null || byteIndex >= v.length) {
      c.reply.integer(0);
      return;
    }
    c.reply.integer((v[byteIndex] >> (7 - (offset & 7))) & 1);
  }

  /** A [start, end] range in bytes or bits, normalized like Redis; null if empty. */
  private static long[] range(long start, long end, long total) {
    if (start < 0) {
      start = total + start;
    }
    if (end < 0) {
      end = total + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (end < 0) {
      end = 0;
    }
    if (end >= total) {
      end = total - 1;
    }
    return start > end ? null : new long[] {start, end};
  }

  public static void bitcount(Client c, byte[][] a) {
    // Redis 7.0 looks the key up before parsing the range: a missing key is 0 even with bad args
    byte[] v = Values.string(c.db().lookupRead(a[1]));
    if (v == null) {
      c.reply.integer(0);
      return;
    }
    boolean bitUnit = false;
    long start = 0;
    long end = -1;
    if (a.length == 4 || a.length == 5) {
      start = Args.toLong(a[2]);
      end = Args.toLong(a[3]);
      // as Redis: both from the end with start past end is empty before the clamping, which
      // would make it the first byte of a short string, and before the unit is checked
      if (start < 0 && end < 0 && start > end) {
        c.reply.integer(0);
        return;
      }
      if (a.length == 5) {
        if (is(a[4], "bit")) {
          bitUnit = true;
        } else if (!is(a[4], "byte")) {
          throw CommandError.SYNTAX;
        }
      }
    } else if (a.length != 2) {
      throw CommandError.SYNTAX;
    }
    long total = bitUnit ? v.length * 8L : v.length;
    long[] r = range(start, end, total);
    if (r == null) {
      c.reply.integer(0);
      return;
    }
    long count = 0;
    for (long i = r[0]; i <= r[1]; i++) {
      if (bitUnit) {
        count += (v[(int) (i >>> 3)] >> (7 - (i & 7))) & 1;
      } else {
        count += Integer.bitCount(v[(int) i] & 0xff);
      }
    }
    c.reply.integer(count);
  }

  public static void bitpos(Client c, byte[][] a) {
    Long bitArg = Args.tryLong(a[2]);
    if (bitArg == null) {
      throw CommandError.NOT_INTEGER;
    }
    if (bitArg != 0 && bitArg != 1) {
      throw new CommandError("ERR The bit argument must be 1 or 0.");
    }
    int bit = bitArg.intValue();
    boolean bitUnit = false;
    if (a.length == 6) {
      if (is(a[5], "bit")) {
        bitUnit = true;
      } else if (!is(a[5], "byte")) {
        throw CommandError.SYNTAX;
      }
    } else if (a.length > 6) {
      throw CommandError.SYNTAX;
    }
    long start = a.length >= 4 ? Args.toLong(a[3]) : 0;
    boolean endGiven = a.length >= 5;
    long end = endGiven ? Args.toLong(a[4]) : -1;
    byte[] v = Values.string(c.db().lookupRead(a[1]));
    if (v == null) {
      c.reply.integer(bit == 1 ? -1 : 0);
      return;
    }
    long totalBits = v.length * 8L;
    long[] r = range(start, end, bitUnit ? totalBits : v.length);
    if (r == null) {
      c.reply.integer(-1);
      return;
    }
    long from = bitUnit ? r[0] : r[0] * 8;
    long to = bitUnit ? r[1] : r[1] * 8 + 7;
    for (long i = from; i <= to; i++) {
      int b = (v[(int) (i >>> 3)] >> (7 - (i & 7))) & 1;
      if (b == bit) {
        c.reply.integer(i);
        return;
      }
    }
    // Looking for a clear bit with no explicit end: the string is padded with zeros to the right.
    c.reply.integer(bit == 0 && !endGiven ? to + 1 : -1);
  }

  public static void bitop(Client c, byte[][] a) {
    String op = Args.lower(a[1]);
    if (!op.equals("and") && !op.equals("or") && !op.equals("xor") && !op.equals("not")) {
      throw CommandError.SYNTAX;
    }
    if (op.equals("not") && a.length != 4) {
      throw new CommandError("ERR BITOP NOT must be called with a single source key.");
    }
    Database db = c.db();
    byte[][] src = new byte[a.length - 3][];
    int max = 0;
    for (int i = 3; i < a.length; i++) {
      byte[] v = Values.string(db.lookupRead(a[i]));
      src[i - 3] = v == null ? new byte[0] : v;
      max = Math.max(max, src[i - 3].length);
    }
    byte[] out = new byte[max];
    for (int j = 0; j < max; j++) {
      int acc = j < src[0].length ? src[0][j] & 0xff : 0;
      if (op.equals("not")) {
        acc = ~acc & 0xff;
      }
      for (int k = 1; k < src.length; k++) {
        int b = j < src[k].length ? src[k][j] & 0xff : 0;
        acc =
            switch (op) {
              case "and" -> acc & b;
              case "or" -> acc | b;
              default -> acc ^ b;
            };
      }
      out[j] = (byte) acc;
    }
    if (max == 0) {
      if (db.delete(a[2])) {
        c.server.notify(db, a[2], 'g', "del");
      }
    } else {
      db.set(a[2], out, false);
      c.server.notify(db, a[2], '$', "set");
    }
    c.reply.integer(max);
  }
}
