package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.rdb.Persistence;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DEBUG and its subcommands, gated by enable-debug-command as Redis 7 gates it. */
final class DebugCommands {
  private static final Logger log = LoggerFactory.getLogger(DebugCommands.class);

  private DebugCommands() {}

  /**
   * DEBUG SLEEP seconds (blocks the server, as in Redis), SET-ACTIVE-EXPIRE, OBJECT and RELOAD;
   * refused unless enable-debug-command allows this client, as Redis 7 refuses it.
   */
  public static void debug(Client c, byte[][] a) {
    if (!c.permittedBy(c.server.config().get(CacheConfig.ENABLE_DEBUG_COMMAND))) {
      throw new CommandError(
          "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\","
              + " you can run it from a local connection, otherwise you need to set this option in"
              + " the configuration file, and then restart the server.");
    }
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "sleep" -> {
        if (a.length != 3) {
          throw CommandError.SYNTAX;
        }
        double seconds = Args.toDouble(a[2]);
        try {
          Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        c.reply.ok();
      }
      case "object" -> {
        KeyEntry e = c.db().peek(a[2]);
        if (e == null) {
          throw CommandError.NO_SUCH_KEY;
        }
        c.reply.simple(
            "Value at:0x0 refcount:1 encoding:"
                + dev.cairn.cache.types.Keys.encoding(e.value)
                + " serializedlength:0 lru:"
                + e.lru()
                + " lru_seconds_idle:"
                + c.server.keyspace.idleMillis(e) / 1000);
      }
      case "reload" -> {
        debugReload(c);
        c.reply.ok();
      }
      case "set-active-expire" -> {
        if (a.length != 3) {
          throw CommandError.SYNTAX;
        }
        c.server.keyspace.activeExpire = Args.toLong(a[2]) != 0;
        c.reply.ok();
      }
      default -> throw AdminCommands.unknownSub(a[1], "DEBUG");
    }
  }

  /**
   * DEBUG RELOAD: save, empty the keyspace, load the file back (as Redis, a load error is fatal).
   */
  private static void debugReload(Client c) {
    Persistence p = c.server.persistence;
    try {
      p.save();
    } catch (IOException e) {
      throw new CommandError("ERR Error trying to save the DB: " + e.getMessage());
    }
    Keyspace ks = c.server.keyspace;
    ks.flushAll();
    c.server.transactions.touchAll(-1);
    try {
      p.load();
    } catch (IOException e) {
      log.error("cache DEBUG RELOAD could not load what it saved, stopping: {}", e.getMessage());
      c.server.shutdown(c);
      throw new CommandError("ERR Error trying to load the RDB dump: " + e.getMessage());
    }
  }
}
