package dev.cairn.cache.rdb;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.io.IOException;

/** SAVE, BGSAVE, BGREWRITEAOF, DUMP and RESTORE, with Redis 7's replies and errors. */
public final class PersistenceCommands {
  private PersistenceCommands() {}

  public static void save(Client c, byte[][] a) {
    try {
      c.server.persistence.save();
    } catch (IOException e) {
      throw new CommandError("ERR " + e.getMessage());
    }
    c.reply.ok();
  }

  /** BGSAVE [SCHEDULE]. */
  public static void bgsave(Client c, byte[][] a) {
    if (a.length > 2 || (a.length == 2 && !is(a[1], "schedule"))) {
      throw CommandError.SYNTAX;
    }
    c.reply.simple(c.server.persistence.bgsave(c.server.transactions.executing(), a.length == 2));
  }

  public static void bgrewriteaof(Client c, byte[][] a) {
    c.reply.simple(c.server.aof.bgrewriteaof(c.server.transactions.executing()));
  }

  public static void dump(Client c, byte[][] a) {
    KeyEntry e = c.db().lookupRead(a[1]);
    if (e == null) {
      c.reply.nullBulk();
      return;
    }
    boolean compress = c.server.config().get(CacheConfig.RDBCOMPRESSION);
    c.reply.bulk(DumpPayload.encode(e.value, compress));
  }

  private static final byte[] DEL = Args.bytes("DEL");
  private static final byte[] ABSTTL = Args.bytes("ABSTTL");

  /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. */
  public static void restore(Client c, byte[][] a) {
    boolean replace = false;
    boolean absTtl = false;
    long idle = -1;
    int freq = -1;
    for (int i = 4; i < a.length; i++) {
      boolean more = i + 1 < a.length;
      if (is(a[i], "replace")) {
        replace = true;
      } else if (is(a[i], "absttl")) {
        absTtl = true;
      } else if (is(a[i], "idletime") && more && freq == -1) {
        idle = Args.toLong(a[++i]);
        if (idle < 0) {
          throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
        }
      } else if (is(a[i], "freq") && more && idle == -1) {
        long f = Args.toLong(a[++i]);
        if (f < 0 || f > 255) {
          throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
        }
        freq = (int) f;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Database db = c.db();
    if (!replace && db.peek(a[1]) != null) {
      throw new CommandError("BUSYKEY Target key name already exists.");
    }
    long ttl = Args.toLong(a[2]);
    if (ttl < 0) {
      throw new CommandError("ERR Invalid TTL value, must be >= 0");
    }
    if (!DumpPayload.verify(a[3])) {
      throw new CommandError("ERR DUMP payload version or checksum are wrong");
    }
    Object value;
    try {
      value = DumpPayload.decode(a[3], c.server.encodings);
    } catch (IOException e) {
      value = null;
    }
    if (value == null) {
      throw new CommandError("ERR Bad data format");
    }
    long now = c.server.keyspace.now();
    long expireAt = ttl == 0 ? 0 : absTtl ? ttl : now + ttl;
    boolean deleted = replace && db.delete(a[1]);
    if (expireAt != 0 && expireAt <= now) {
      if (deleted) {
        c.server.propagation.rewrite(DEL, a[1]);
        c.server.notify(db, a[1], 'g', "del");
      }
      c.reply.ok();
      return;
    }
    if (expireAt != 0 && !absTtl) {
      // the TTL as an absolute time, so a replay later expires the key at the same instant
      byte[][] effect = java.util.Arrays.copyOf(a, a.length + 1);
      effect[2] = Args.bytes(expireAt);
      effect[a.length] = ABSTTL;
      c.server.propagation.rewrite(effect);
    }
    KeyEntry e = db.add(a[1], value);
    if (expireAt != 0) {
      db.setExpire(e, expireAt);
    }
    c.server.keyspace.restoreClock(e, idle, freq);
    c.server.notify(db, a[1], 'g', "restore");
    c.reply.ok();
  }
}
