package dev.cairn.cache.hll;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.Random;

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST over {@link HyperLogLog} string values, as Redis
 * 7.0's hyperloglog.c: same replies, errors, keyspace events ("pfadd") and cardinality cache
 * (PFCOUNT of one key stores what it counted in the header, a change WATCH sees, as Redis).
 *
 * <p>Propagation (once it exists): as sent — PFADD and PFMERGE are deterministic; PFCOUNT of one
 * key rewrites only the cache, which Redis propagates too (it may replicate).
 */
public final class HyperLogLogs {
  private HyperLogLogs() {}

  private static final CommandError NOT_HLL =
      new CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.");
  private static final CommandError CORRUPT =
      new CommandError("INVALIDOBJ Corrupted HLL object detected");

  /** The HyperLogLog under a key entry; null if none; an error if another value. */
  private static byte[] hll(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (!(e.value instanceof byte[] b)) {
      throw CommandError.WRONGTYPE;
    }
    if (!HyperLogLog.isValid(b)) {
      throw NOT_HLL;
    }
    return b;
  }

  private static long sparseMax(Client c) {
    return c.server.encodings.hllSparseBytes();
  }

  public static void pfadd(Client c, byte[][] a) {
    Database db = c.db();
    KeyEntry e = db.peek(a[1]);
    byte[] current = hll(e);
    int updated = 0;
    Editor ed;
    if (current == null) {
      ed = new Editor(HyperLogLog.create(), true, sparseMax(c));
      updated++;
    } else {
      ed = new Editor(current, false, sparseMax(c));
    }
    for (int j = 2; j < a.length; j++) {
      int r = ed.add(a[j]);
      if (r == Editor.CORRUPT) {
        throw CORRUPT;
      }
      updated += r;
    }
    if (updated > 0) {
      byte[] next = ed.bytes();
      HyperLogLog.invalidate(next);
      if (e == null) {
        db.add(a[1], next);
      } else {
        db.replace(e, next);
      }
      c.server.notify(db, a[1], '$', "pfadd");
    }
    c.reply.integer(updated > 0 ? 1 : 0);
  }

  public static void pfcount(Client c, byte[][] a) {
    Database db = c.db();
    if (a.length > 2) {
      byte[] max = new byte[HyperLogLog.REGISTERS];
      for (int j = 1; j < a.length; j++) {
        byte[] b = hll(db.lookupRead(a[j]));
        if (b != null && !HyperLogLog.merge(max, b)) {
          throw CORRUPT;
        }
      }
      c.reply.integer(HyperLogLog.estimate(HyperLogLog.rawHistogram(max)));
      return;
    }
    byte[] b = hll(db.lookupRead(a[1]));
    if (b == null) {
      c.reply.integer(0);
      return;
    }
    if (HyperLogLog.cacheValid(b)) {
      c.reply.integer(HyperLogLog.cached(b));
      return;
    }
    long card = HyperLogLog.count(b);
    if (card < 0) {
      throw CORRUPT;
    }
    // the cache bytes are a function of the registers, so a value shared by COPY stays right
    db.lookupWrite(a[1]);
    HyperLogLog.cache(b, card);
    c.reply.integer(card);
  }

  public static void pfmerge(Client c, byte[][] a) {
    Database db = c.db();
    byte[] max = new byte[HyperLogLog.REGISTERS];
    boolean dense = false;
    for (int j = 1; j < a.length; j++) {
      byte[] b = hll(db.lookupRead(a[j]));
      if (b == null) {
        continue;
      }
      dense |= !HyperLogLog.sparse(b);
      if (!HyperLogLog.merge(max, b)) {
        throw CORRUPT;
      }
    }
    KeyEntry e = db.peek(a[1]);
    Editor ed =
        new Editor(
            e == null ? HyperLogLog.create() : ((byte[]) e.value).clone(), true, sparseMax(c));
    if (dense && !ed.toDense()) {
      throw CORRUPT;
    }
    for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
      if (max[j] != 0) {
        ed.set(j, max[j]);
      }
    }
    byte[] next = ed.bytes();
    HyperLogLog.invalidate(next);
    if (e == null) {
      db.add(a[1], next);
    } else {
      db.replace(e, next);
    }
    c.server.notify(db, a[1], '$', "pfadd");
    c.reply.ok();
  }

  /** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. */
  public static void pfdebug(Client c, byte[][] a) {
    Database db = c.db();
    KeyEntry e = db.peek(a[2]);
    if (e == null) {
      throw new CommandError("ERR The specified key does not exist");
    }
    byte[] b = hll(e);
    switch (Args.lower(a[1])) {
      case "getreg" -> {
        b = denseOf(c, a[2], b);
        c.reply.array(HyperLogLog.REGISTERS);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
          c.reply.integer(HyperLogLog.denseGet(b, j));
        }
      }
      case "decode" -> {
        if (!HyperLogLog.sparse(b)) {
          throw new CommandError("ERR HLL encoding is not sparse");
        }
        c.reply.bulk(HyperLogLog.ascii(HyperLogLog.decode(b)));
      }
      case "encoding" -> c.reply.simple(HyperLogLog.sparse(b) ? "sparse" : "dense");
      case "todense" -> {
        boolean wasSparse = HyperLogLog.sparse(b);
        denseOf(c, a[2], b);
        c.reply.integer(wasSparse ? 1 : 0);
      }
      default -> throw new CommandError("ERR Unknown PFDEBUG subcommand '" + Args.str(a[1]) + "'");
    }
  }

  /** The value as dense, converting (and storing) a sparse one. */
  private static byte[] denseOf(Client c, byte[] key, byte[] b) {
    if (!HyperLogLog.sparse(b)) {
      return b;
    }
    Editor ed = new Editor(b, false, sparseMax(c));
    if (!ed.toDense()) {
      throw CORRUPT;
    }
    KeyEntry e = c.db().lookupWriteQuiet(key);
    c.db().replace(e, ed.bytes());
    return ed.bytes();
  }

  /** PFSELFTEST: Redis's register-access and estimate-error checks on dense and sparse values. */
  public static void pfselftest(Client c, byte[][] a) {
    Random rnd = new Random();
    byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
    dense[4] = HyperLogLog.DENSE;
    int[] expected = new int[HyperLogLog.REGISTERS];
    for (int cycle = 0; cycle < 1000; cycle++) {
      for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
        expected[i] = rnd.nextInt(64);
        HyperLogLog.denseSet(dense, i, expected[i]);
      }
      for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
        int v = HyperLogLog.denseGet(dense, i);
        if (v != expected[i]) {
          throw new CommandError(
              "TESTFAILED Register " + i + " should be " + expected[i] + " but is " + v);
        }
      }
    }
    java.util.Arrays.fill(dense, HyperLogLog.HEADER, dense.length, (byte) 0);
    Editor d = new Editor(dense, true, sparseMax(c));
    Editor s = new Editor(HyperLogLog.create(), true, sparseMax(c));
    double relerr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
    long checkpoint = 1;
    long seed = rnd.nextLong();
    byte[] ele = new byte[8];
    for (long j = 1; j <= 10_000_000; j++) {
      long x = j ^ seed;
      for (int k = 0; k < 8; k++) {
        ele[k] = (byte) (x >>> (8 * k));
      }
      d.add(ele);
      s.add(ele);
      if (j != checkpoint) {
        continue;
      }
      if (j < sparseMax(c) / 2 && !HyperLogLog.sparse(s.bytes())) {
        throw new CommandError("TESTFAILED sparse encoding not used");
      }
      long count = HyperLogLog.count(d.bytes());
      if (count != HyperLogLog.count(s.bytes())) {
        throw new CommandError("TESTFAILED dense/sparse disagree");
      }
      long abserr = Math.abs(checkpoint - count);
      long maxerr = j == 10 ? 1 : (long) Math.ceil(relerr * 6 * checkpoint);
      if (abserr > maxerr) {
        throw new CommandError(
            "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr);
      }
      checkpoint *= 10;
    }
    c.reply.ok();
  }
}
