package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.types.ZSet.LexRange;
import dev.cairn.cache.types.ZSet.Node;
import dev.cairn.cache.types.ZSet.ScoreRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sorted-set commands (Redis's t_zset.c) over {@link ZSet}. Ranges by rank, score and lex share one
 * collector ({@link #collect}); the STORE variants and ZRANGESTORE write what it collected. Scores
 * are replied as RESP3 doubles or RESP2 bulk strings; WITHSCORES pairs are nested arrays in RESP3,
 * flat in RESP2, as Redis 7 does.
 */
public final class SortedSets {
  private SortedSets() {}

  /** A member and its score, for computed results. */
  public record Scored(byte[] member, double score) {}

  private static final Comparator<Scored> ORDER =
      (x, y) -> {
        int c = Double.compare(x.score, y.score);
        if (x.score == y.score) {
          c = 0;
        }
        return c != 0 ? c : Arrays.compareUnsigned(x.member, y.member);
      };

  private static ZSet forWrite(Client c, byte[] key) {
    Database db = c.db();
    ZSet z = Values.zset(db.lookupWrite(key));
    if (z == null) {
      z = new ZSet(c.server.encodings);
      db.add(key, z);
    }
    return z;
  }

  private static void deleteIfEmpty(Client c, byte[] key, ZSet z) {
    if (z.size() == 0) {
      c.db().delete(key);
      c.server.notify(c.db(), key, 'g', "del");
    }
  }

  /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]. */
  public static void zadd(Client c, byte[][] a) {
    zaddGeneric(c, a, false);
  }

  public static void zincrby(Client c, byte[][] a) {
    double delta = Args.toDouble(a[2]);
    ZSet z = forWrite(c, a[1]);
    Double old = z.score(a[3]);
    double r = (old == null ? 0 : old) + delta;
    if (Double.isNaN(r)) {
      throw new CommandError("ERR resulting score is not a number (NaN)");
    }
    z.put(a[3], r);
    c.server.notify(c.db(), a[1], 'z', "zincr");
    c.reply.dbl(r);
  }

  private static void zaddGeneric(Client c, byte[][] a, boolean forceIncr) {
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    boolean ch = false;
    boolean incr = forceIncr;
    int i = 2;
    for (; i < a.length; i++) {
      if (is(a[i], "nx")) {
        nx = true;
      } else if (is(a[i], "xx")) {
        xx = true;
      } else if (is(a[i], "gt")) {
        gt = true;
      } else if (is(a[i], "lt")) {
        lt = true;
      } else if (is(a[i], "ch")) {
        ch = true;
      } else if (is(a[i], "incr")) {
        incr = true;
      } else {
        break;
      }
    }
    int pairs = a.length - i;
    if (pairs == 0 || pairs % 2 != 0) {
      throw CommandError.SYNTAX;
    }
    if (nx && xx) {
      throw new CommandError("ERR XX and NX options at the same time are not compatible");
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (incr && pairs > 2) {
      throw new CommandError("ERR INCR option supports a single increment-element pair");
    }
    double[] scores = new double[pairs / 2];
    for (int k = 0; k < scores.length; k++) {
      scores[k] = Args.toDouble(a[i + 2 * k]);
    }
    Database db = c.db();
    ZSet existing = Values.zset(db.peek(a[1]));
    if (existing == null && xx) {
      if (incr) {
        c.reply.nullBulk();
      } else {
        c.reply.integer(0);
      }
      return;
    }
    ZSet z = forWrite(c, a[1]);
    int added = 0;
    int changed = 0;
    Double incrResult = null;
    for (int k = 0; k < scores.length; k++) {
      byte[] member = a[i + 2 * k + 1];
      double score = scores[k];
      Double old = z.score(member);
      if (old == null) {
        if (xx) {
          continue;
        }
        if (incr && Double.isNaN(score)) {
          throw new CommandError("ERR resulting score is not a number (NaN)");
        }
        z.put(member, score);
        added++;
        incrResult = score;
      } else {
        if (nx) {
          continue;
        }
        double next = incr ? old + score : score;
        if (Double.isNaN(next)) {
          throw new CommandError("ERR resulting score is not a number (NaN)");
        }
        if ((gt && next <= old) || (lt && next >= old)) {
          continue;
        }
        incrResult = next;
        if (next != old) {
          z.put(member, next);
          changed++;
        }
      }
    }
    if (added + changed > 0) {
      c.server.notify(db, a[1], 'z', incr ? "zincr" : "zadd");
    }
    deleteIfEmpty(c, a[1], z);
    if (incr) {
      if (incrResult == null) {
        c.reply.nullBulk();
      } else {
        c.reply.dbl(incrResult);
      }
    } else {
      c.reply.integer(ch ? added + changed : added);
    }
  }

  public static void zscore(Client c, byte[][] a) {
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    Double s = z == null ? null : z.score(a[2]);
    if (s == null) {
      c.reply.nullBulk();
    } else {
      c.reply.dbl(s);
    }
  }

  public static void zmscore(Client c, byte[][] a) {
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    c.reply.array(a.length - 2);
    for (int i = 2; i < a.length; i++) {
      Double s = z == null ? null : z.score(a[i]);
      if (s == null) {
        c.reply.nullBulk();
      } else {
        c.reply.dbl(s);
      }
    }
  }

  public static void zcard(Client c, byte[][] a) {
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    c.reply.integer(z == null ? 0 : z.size());
  }

  public static void zrem(Client c, byte[][] a) {
    Database db = c.db();
    ZSet z = Values.zset(db.lookupWrite(a[1]));
    int n = 0;
    if (z != null) {
      for (int i = 2; i < a.length; i++) {
        if (z.remove(a[i])) {
          n++;
        }
      }
      if (n > 0) {
        c.server.notify(db, a[1], 'z', "zrem");
      }
      deleteIfEmpty(c, a[1], z);
    }
    c.reply.integer(n);
  }

  public static void zrank(Client c, byte[][] a) {
    rankGeneric(c, a, false);
  }

  public static void zrevrank(Client c, byte[][] a) {
    rankGeneric(c, a, true);
  }

  /** ZRANK/ZREVRANK key member: Redis 7.0 has no WITHSCORE (arity 3, the dispatcher checks it). */
  private static void rankGeneric(Client c, byte[][] a, boolean rev) {
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    long r = z == null ? -1 : z.rank(a[2]);
    if (r < 0) {
      c.reply.nullBulk();
      return;
    }
    c.reply.integer(rev ? z.size() - 1 - r : r);
  }

  // ---- ranges ----

  static ScoreRange scoreRange(byte[] min, byte[] max) {
    return new ScoreRange(bound(min), excl(min), bound(max), excl(max));
  }

  private static boolean excl(byte[] b) {
    return b.length > 0 && b[0] == '(';
  }

  private static double bound(byte[] b) {
    byte[] v = excl(b) ? Arrays.copyOfRange(b, 1, b.length) : b;
    Double d = Args.tryDouble(v);
    if (d == null) {
      throw new CommandError("ERR min or max is not a float");
    }
    return d;
  }

  static LexRange lexRange(byte[] min, byte[] max) {
    return new LexRange(lexValue(min), lexExcl(min, true), lexValue(max), lexExcl(max, false));
  }

  private static byte[] lexValue(byte[] b) {
    if (b.length == 1 && (b[0] == '-' || b[0] == '+')) {
      return null;
    }
    if (b.length == 0 || (b[0] != '(' && b[0] != '[')) {
      throw new CommandError("ERR min or max not valid string range item");
    }
    return Arrays.copyOfRange(b, 1, b.length);
  }

  /** "(" is exclusive; for the infinities, exclusive encodes "the other end" (see LexRange). */
  private static boolean lexExcl(byte[] b, boolean isMin) {
    if (b.length == 1 && b[0] == '-') {
      return !isMin;
    }
    if (b.length == 1 && b[0] == '+') {
      return isMin;
    }
    return b[0] == '(';
  }

  private enum By {
    RANK,
    SCORE,
    LEX
  }

  /** Parsed ZRANGE arguments. */
  private record RangeSpec(
      By by, boolean rev, byte[] start, byte[] stop, long offset, long count, boolean withScores) {}

  /** Redis parses a range's bounds before it looks at the key: their errors win over WRONGTYPE. */
  private static void checkBounds(RangeSpec r) {
    switch (r.by()) {
      case RANK -> {
        Args.toLong(r.start());
        Args.toLong(r.stop());
      }
      case SCORE -> scoreRange(r.start(), r.stop());
      case LEX -> lexRange(r.start(), r.stop());
      default -> throw new IllegalStateException();
    }
  }

  /** Collects the nodes a range selects, in reply order. */
  private static List<Node> collect(ZSet z, RangeSpec r) {
    List<Node> out = new ArrayList<>();
    if (z == null) {
      return out;
    }
    switch (r.by()) {
      case RANK -> {
        long start = Args.toLong(r.start());
        long stop = Args.toLong(r.stop());
        int[] range = Lists.range(start, stop, z.size());
        if (range == null) {
          return out;
        }
        if (!r.rev()) {
          Node n = z.byRank(range[0]);
          for (int i = range[0]; i <= range[1] && n != null; i++, n = n.next()) {
            out.add(n);
          }
        } else {
          Node n = z.byRank(z.size() - 1 - range[0]);
          for (int i = range[0]; i <= range[1] && n != null; i++, n = n.previous()) {
            out.add(n);
          }
        }
      }
      case SCORE -> {
        ScoreRange range =
            r.rev() ? scoreRange(r.stop(), r.start()) : scoreRange(r.start(), r.stop());
        Node n = r.rev() ? z.lastInRange(range) : z.firstInRange(range);
        walk(out, n, r, x -> range.contains(x.score));
      }
      case LEX -> {
        LexRange range = r.rev() ? lexRange(r.stop(), r.start()) : lexRange(r.start(), r.stop());
        Node n = r.rev() ? z.lastInLex(range) : z.firstInLex(range);
        walk(out, n, r, x -> range.aboveMin(x.member) && range.belowMax(x.member));
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  private static void walk(
      List<Node> out, Node n, RangeSpec r, java.util.function.Predicate<Node> inRange) {
    long skip = r.offset();
    if (skip < 0) {
      return;
    }
    long limit = r.count() < 0 ? Long.MAX_VALUE : r.count();
    while (n != null && inRange.test(n) && out.size() < limit) {
      if (skip > 0) {
        skip--;
      } else {
        out.add(n);
      }
      n = r.rev() ? n.previous() : n.next();
    }
  }

  private static void replyNodes(Client c, List<Node> nodes, boolean withScores) {
    if (withScores && c.reply.resp3()) {
      c.reply.array(nodes.size());
      for (Node n : nodes) {
        c.reply.array(2);
        c.reply.bulk(n.member);
        c.reply.dbl(n.score);
      }
      return;
    }
    c.reply.array(withScores ? nodes.size() * 2L : nodes.size());
    for (Node n : nodes) {
      c.reply.bulk(n.member);
      if (withScores) {
        c.reply.dbl(n.score);
      }
    }
  }

  /** Parses ZRANGE-style options after start/stop at index from. */
  private static RangeSpec parseRange(byte[][] a, int from, By by, boolean rev, boolean store) {
    // only ZRANGE and ZRANGESTORE (no type given) take REV, once: the older commands name theirs
    boolean revAllowed = by == null;
    long offset = 0;
    long count = -1;
    boolean withScores = false;
    boolean limit = false;
    for (int i = from; i < a.length; i++) {
      if (is(a[i], "withscores") && !store) {
        withScores = true;
      } else if (is(a[i], "limit") && i + 2 < a.length) {
        offset = Args.toLong(a[i + 1]);
        count = Args.toLong(a[i + 2]);
        limit = true;
        i += 2;
      } else if (is(a[i], "byscore") && by == null) {
        by = By.SCORE;
      } else if (is(a[i], "bylex") && by == null) {
        by = By.LEX;
      } else if (is(a[i], "rev") && revAllowed && !rev) {
        rev = true;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (by == null) {
      by = By.RANK;
    }
    if (limit && by == By.RANK) {
      throw new CommandError(
          "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if (withScores && by == By.LEX) {
      throw new CommandError(
          "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    return new RangeSpec(by, rev, a[from - 2], a[from - 1], offset, count, withScores);
  }

  /** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]. */
  public static void zrange(Client c, byte[][] a) {
    RangeSpec r = parseRange(a, 4, null, false, false);
    checkBounds(r);
    List<Node> nodes = collect(Values.zset(c.db().lookupRead(a[1])), r);
    replyNodes(c, nodes, r.withScores());
  }

  public static void zrevrange(Client c, byte[][] a) {
    legacyRange(c, a, By.RANK, true);
  }

  public static void zrangebyscore(Client c, byte[][] a) {
    legacyRange(c, a, By.SCORE, false);
  }

  public static void zrevrangebyscore(Client c, byte[][] a) {
    legacyRange(c, a, By.SCORE, true);
  }

  public static void zrangebylex(Client c, byte[][] a) {
    legacyRange(c, a, By.LEX, false);
  }

  public static void zrevrangebylex(Client c, byte[][] a) {
    legacyRange(c, a, By.LEX, true);
  }

  private static void legacyRange(Client c, byte[][] a, By by, boolean rev) {
    RangeSpec r = parseRange(a, 4, by, rev, false);
    checkBounds(r);
    replyNodes(c, collect(Values.zset(c.db().lookupRead(a[1])), r), r.withScores());
  }

  /** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]. */
  public static void zrangestore(Client c, byte[][] a) {
    RangeSpec r = parseRange(a, 5, null, false, true);
    checkBounds(r);
    List<Node> nodes = collect(Values.zset(c.db().lookupRead(a[2])), r);
    List<Scored> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(new Scored(n.member, n.score));
    }
    store(c, a[1], out, "zrangestore");
  }

  public static void zcount(Client c, byte[][] a) {
    ScoreRange range = scoreRange(a[2], a[3]);
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    c.reply.integer(
        countBetween(
            z, z == null ? null : z.firstInRange(range), z == null ? null : z.lastInRange(range)));
  }

  public static void zlexcount(Client c, byte[][] a) {
    LexRange range = lexRange(a[2], a[3]);
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    c.reply.integer(
        countBetween(
            z, z == null ? null : z.firstInLex(range), z == null ? null : z.lastInLex(range)));
  }

  private static long countBetween(ZSet z, Node first, Node last) {
    if (first == null || last == null) {
      return 0;
    }
    long r = z.rank(last.member) - z.rank(first.member) + 1;
    return Math.max(0, r);
  }

  public static void zremrangebyrank(Client c, byte[][] a) {
    removeRange(c, a, By.RANK);
  }

  public static void zremrangebyscore(Client c, byte[][] a) {
    removeRange(c, a, By.SCORE);
  }

  public static void zremrangebylex(Client c, byte[][] a) {
    removeRange(c, a, By.LEX);
  }

  private static void removeRange(Client c, byte[][] a, By by) {
    RangeSpec r = new RangeSpec(by, false, a[2], a[3], 0, -1, false);
    checkBounds(r);
    Database db = c.db();
    ZSet z = Values.zset(db.lookupWrite(a[1]));
    List<Node> nodes = collect(z, r);
    for (Node n : nodes) {
      z.remove(n.member);
    }
    if (!nodes.isEmpty()) {
      String event =
          switch (by) {
            case RANK -> "zremrangebyrank";
            case SCORE -> "zremrangebyscore";
            case LEX -> "zremrangebylex";
          };
      c.server.notify(db, a[1], 'z', event);
      deleteIfEmpty(c, a[1], z);
    }
    c.reply.integer(nodes.size());
  }

  // ---- pops ----

  public static void zpopmin(Client c, byte[][] a) {
    popGeneric(c, a, true);
  }

  public static void zpopmax(Client c, byte[][] a) {
    popGeneric(c, a, false);
  }

  private static void popGeneric(Client c, byte[][] a, boolean min) {
    if (a.length > 3) {
      throw CommandError.SYNTAX;
    }
    long count = 1;
    if (a.length == 3) {
      count = Args.toLong(a[2]);
      if (count < 0) {
        throw new CommandError("ERR value is out of range, must be positive");
      }
    }
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    List<Scored> popped = z == null ? List.of() : pop(c, a[1], z, min, count);
    if (a.length == 3 && c.reply.resp3()) {
      c.reply.array(popped.size());
      for (Scored s : popped) {
        c.reply.array(2);
        c.reply.bulk(s.member());
        c.reply.dbl(s.score());
      }
      return;
    }
    c.reply.array(popped.size() * 2L);
    for (Scored s : popped) {
      c.reply.bulk(s.member());
      c.reply.dbl(s.score());
    }
  }

  private static final byte[] ZPOPMIN = Args.bytes("ZPOPMIN");
  private static final byte[] ZPOPMAX = Args.bytes("ZPOPMAX");

  private static List<Scored> pop(Client c, byte[] key, ZSet z, boolean min, long count) {
    Database db = c.db();
    db.lookupWrite(key);
    List<Scored> out = new ArrayList<>();
    while (out.size() < count && z.size() > 0) {
      Node n = min ? z.first() : z.last();
      out.add(new Scored(n.member, n.score));
      z.remove(n.member);
    }
    if (!out.isEmpty()) {
      // every pop (blocking, ZMPOP, BZMPOP) propagates as the plain pop it did
      c.server.propagation.rewrite(min ? ZPOPMIN : ZPOPMAX, key, Args.bytes(out.size()));
      c.server.notify(db, key, 'z', min ? "zpopmin" : "zpopmax");
    }
    deleteIfEmpty(c, key, z);
    return out;
  }

  public static void bzpopmin(Client c, byte[][] a) {
    blockingPop(c, a, true);
  }

  public static void bzpopmax(Client c, byte[][] a) {
    blockingPop(c, a, false);
  }

  private static void blockingPop(Client c, byte[][] a, boolean min) {
    long timeout = Args.timeoutMillis(a[a.length - 1]);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 1; i < a.length - 1; i++) {
      keys.add(a[i]);
      ZSet z = Values.zset(c.db().lookupRead(a[i]));
      if (z != null) {
        Scored s = pop(c, a[i], z, min, 1).get(0);
        c.reply.array(3);
        c.reply.bulk(a[i]);
        c.reply.bulk(s.member());
        c.reply.dbl(s.score());
        return;
      }
    }
    Lists.blockOrNull(c, keys, timeout);
  }

  /** ZMPOP numkeys key... MIN|MAX [COUNT n]; BZMPOP timeout numkeys ... */
  public static void zmpop(Client c, byte[][] a) {
    if (!multiPop(c, a, 1)) {
      c.reply.nullArray();
    }
  }

  public static void bzmpop(Client c, byte[][] a) {
    long timeout = Args.timeoutMillis(a[1]);
    List<byte[]> keys = new ArrayList<>();
    if (!multiPop(c, a, 2, keys)) {
      Lists.blockOrNull(c, keys, timeout);
    }
  }

  private static boolean multiPop(Client c, byte[][] a, int from) {
    return multiPop(c, a, from, new ArrayList<>());
  }

  private static boolean multiPop(Client c, byte[][] a, int from, List<byte[]> keys) {
    long numkeys = Args.numkeys(a[from]);
    if (numkeys > a.length - from - 2) {
      throw CommandError.SYNTAX;
    }
    int i = (int) (from + 1 + numkeys);
    boolean min;
    if (is(a[i], "min")) {
      min = true;
    } else if (is(a[i], "max")) {
      min = false;
    } else {
      throw CommandError.SYNTAX;
    }
    long count = Args.mpopCount(a, i + 1, 1);
    for (int k = 0; k < numkeys; k++) {
      keys.add(a[from + 1 + k]);
    }
    for (byte[] key : keys) {
      ZSet z = Values.zset(c.db().lookupRead(key));
      if (z == null) {
        continue;
      }
      List<Scored> popped = pop(c, key, z, min, count);
      c.reply.array(2);
      c.reply.bulk(key);
      c.reply.array(popped.size());
      for (Scored s : popped) {
        c.reply.array(2);
        c.reply.bulk(s.member());
        c.reply.dbl(s.score());
      }
      return true;
    }
    return false;
  }

  // ---- algebra: ZUNION, ZINTER, ZDIFF and their STORE forms ----

  private enum Op {
    UNION,
    INTER,
    DIFF
  }

  private enum Aggregate {
    SUM,
    MIN,
    MAX
  }

  /** Reads a sorted set or a plain set (members score 1), as Redis's zunionInterDiff. */
  private static Dict sourceScores(Client c, byte[] key) {
    KeyEntry e = c.db().lookupRead(key);
    if (e == null) {
      return null;
    }
    if (e.value instanceof ZSet z) {
      return z.dict();
    }
    if (e.value instanceof Dict d && d.kind() == Dict.Kind.SET) {
      return d;
    }
    throw CommandError.WRONGTYPE;
  }

  private static double scoreOf(Dict.Entry e) {
    return e.value instanceof Double d ? d : 1.0;
  }

  /**
   * Computes the result; {@code from} points at numkeys. Returns the members and whether WITHSCORES
   * was given.
   */
  private static List<Scored> algebra(
      Client c, byte[][] a, int from, Op op, String cmd, boolean store, boolean[] withScores) {
    long numkeys = Args.toLong(a[from]);
    if (numkeys < 1) {
      throw new CommandError("ERR at least 1 input key is needed for '" + cmd + "' command");
    }
    if (numkeys > a.length - from - 1) {
      throw CommandError.SYNTAX;
    }
    int n = (int) numkeys;
    // as Redis: the keys' types are checked before the options are parsed
    List<Dict> sources = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      sources.add(sourceScores(c, a[from + 1 + k]));
    }
    double[] weights = new double[n];
    Arrays.fill(weights, 1);
    Aggregate agg = Aggregate.SUM;
    for (int i = from + 1 + n; i < a.length; i++) {
      int remaining = a.length - i - 1;
      if (op != Op.DIFF && is(a[i], "weights") && remaining >= n) {
        for (int k = 0; k < n; k++) {
          Double w = Args.tryDouble(a[i + 1 + k]);
          if (w == null) {
            throw new CommandError("ERR weight value is not a float");
          }
          weights[k] = w;
        }
        i += n;
      } else if (op != Op.DIFF && is(a[i], "aggregate") && remaining >= 1) {
        String v = Args.lower(a[++i]);
        agg =
            switch (v) {
              case "sum" -> Aggregate.SUM;
              case "min" -> Aggregate.MIN;
              case "max" -> Aggregate.MAX;
              default -> throw CommandError.SYNTAX;
            };
      } else if (!store && is(a[i], "withscores")) {
        withScores[0] = true;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    List<Scored> out = new ArrayList<>();
    switch (op) {
      case UNION -> {
        Dict acc = new Dict(Dict.Kind.ZSET);
        for (int k = 0; k < n; k++) {
          Dict s = sources.get(k);
          if (s == null) {
            continue;
          }
          for (Dict.Entry e : s) {
            double v = weighted(scoreOf(e), weights[k]);
            Dict.Entry cur = acc.findOrCreate(e.key);
            acc.setValue(cur, cur.value == null ? v : aggregate(agg, (Double) cur.value, v));
          }
        }
        for (Dict.Entry e : acc) {
          out.add(new Scored(e.key, (Double) e.value));
        }
      }
      case INTER -> {
        if (!sources.contains(null)) {
          int smallest = 0;
          for (int k = 1; k < n; k++) {
            if (sources.get(k).size() < sources.get(smallest).size()) {
              smallest = k;
            }
          }
          for (Dict.Entry e : sources.get(smallest)) {
            double v = 0;
            boolean all = true;
            boolean first = true;
            for (int k = 0; k < n && all; k++) {
              Dict.Entry x = sources.get(k).find(e.key);
              if (x == null) {
                all = false;
              } else {
                double w = weighted(scoreOf(x), weights[k]);
                v = first ? w : aggregate(agg, v, w);
                first = false;
              }
            }
            if (all) {
              out.add(new Scored(e.key, v));
            }
          }
        }
      }
      case DIFF -> {
        if (sources.get(0) != null) {
          for (Dict.Entry e : sources.get(0)) {
            boolean keep = true;
            for (int k = 1; k < n && keep; k++) {
              keep = sources.get(k) == null || !sources.get(k).contains(e.key);
            }
            if (keep) {
              out.add(new Scored(e.key, scoreOf(e)));
            }
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    out.sort(ORDER);
    return out;
  }

  private static double weighted(double score, double weight) {
    double v = score * weight;
    return Double.isNaN(v) ? 0 : v;
  }

  private static double aggregate(Aggregate agg, double a, double b) {
    return switch (agg) {
      case SUM -> {
        double s = a + b;
        yield Double.isNaN(s) ? 0 : s;
      }
      case MIN -> Math.min(a, b);
      case MAX -> Math.max(a, b);
    };
  }

  private static void replyScored(Client c, List<Scored> out, boolean withScores) {
    if (withScores && c.reply.resp3()) {
      c.reply.array(out.size());
      for (Scored s : out) {
        c.reply.array(2);
        c.reply.bulk(s.member());
        c.reply.dbl(s.score());
      }
      return;
    }
    c.reply.array(withScores ? out.size() * 2L : out.size());
    for (Scored s : out) {
      c.reply.bulk(s.member());
      if (withScores) {
        c.reply.dbl(s.score());
      }
    }
  }

  /**
   * Replaces {@code dest} with a sorted set of {@code out} (deleting it when empty), notifies
   * {@code event}, and replies with the count: the STORE commands' shared ending (GEOSEARCHSTORE
   * and GEORADIUS STORE too).
   */
  public static void store(Client c, byte[] dest, List<Scored> out, String event) {
    Database db = c.db();
    boolean existed = db.delete(dest);
    if (!out.isEmpty()) {
      ZSet z = new ZSet(c.server.encodings);
      for (Scored s : out) {
        z.put(s.member(), s.score());
      }
      db.add(dest, z);
      c.server.notify(db, dest, 'z', event);
    } else if (existed) {
      c.server.notify(db, dest, 'g', "del");
    }
    c.reply.integer(out.size());
  }

  public static void zunion(Client c, byte[][] a) {
    boolean[] ws = new boolean[1];
    List<Scored> out = algebra(c, a, 1, Op.UNION, "zunion", false, ws);
    replyScored(c, out, ws[0]);
  }

  public static void zinter(Client c, byte[][] a) {
    boolean[] ws = new boolean[1];
    List<Scored> out = algebra(c, a, 1, Op.INTER, "zinter", false, ws);
    replyScored(c, out, ws[0]);
  }

  public static void zdiff(Client c, byte[][] a) {
    boolean[] ws = new boolean[1];
    List<Scored> out = algebra(c, a, 1, Op.DIFF, "zdiff", false, ws);
    replyScored(c, out, ws[0]);
  }

  public static void zunionstore(Client c, byte[][] a) {
    store(c, a[1], algebra(c, a, 2, Op.UNION, "zunionstore", true, new boolean[1]), "zunionstore");
  }

  public static void zinterstore(Client c, byte[][] a) {
    store(c, a[1], algebra(c, a, 2, Op.INTER, "zinterstore", true, new boolean[1]), "zinterstore");
  }

  public static void zdiffstore(Client c, byte[][] a) {
    store(c, a[1], algebra(c, a, 2, Op.DIFF, "zdiffstore", true, new boolean[1]), "zdiffstore");
  }

  /** ZINTERCARD numkeys key [key ...] [LIMIT limit]. */
  public static void zintercard(Client c, byte[][] a) {
    int keysEnd =
        Args.intercardKeys(
            a,
            CommandError.NOT_INTEGER,
            new CommandError("ERR at least 1 input key is needed for 'zintercard' command"),
            CommandError.SYNTAX);
    byte[][] sub = Arrays.copyOf(a, keysEnd);
    int n = algebra(c, sub, 1, Op.INTER, "zintercard", true, new boolean[1]).size();
    long limit = Args.intercardLimit(a, keysEnd);
    c.reply.integer(limit > 0 ? Math.min(limit, n) : n);
  }

  /** ZRANDMEMBER key [count [WITHSCORES]]. */
  public static void zrandmember(Client c, byte[][] a) {
    if (a.length > 4 || (a.length == 4 && !is(a[3], "withscores"))) {
      throw CommandError.SYNTAX;
    }
    Long count = a.length >= 3 ? Args.toLong(a[2]) : null;
    if (count != null) {
      Sampling.checkCount(count);
    }
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    if (count == null) {
      c.reply.bulk(z == null ? null : z.dict().fairRandom().key);
      return;
    }
    List<Scored> out = new ArrayList<>();
    if (z != null && count != 0) {
      for (Dict.Entry e : Sampling.sample(z.dict(), count)) {
        out.add(new Scored(e.key, (Double) e.value));
      }
    }
    replyScored(c, out, a.length == 4);
  }

  public static void zscan(Client c, byte[][] a) {
    long cursor = Keys.cursor(a[2]);
    Keys.ScanOptions o = Keys.ScanOptions.parse(a, 3, false);
    ZSet z = Values.zset(c.db().lookupRead(a[1]));
    List<byte[]> out = new ArrayList<>();
    cursor = z == null ? 0 : Hashes.scan(z.dict(), cursor, o, out, true);
    c.reply.array(2);
    c.reply.bulk(Long.toUnsignedString(cursor));
    c.reply.bulks(out, out.size());
  }
}
