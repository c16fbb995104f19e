package dev.cairn.cache.server;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.config.Option;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Glob;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.db.Memory;
import dev.cairn.cache.rdb.Persistence;
import dev.cairn.common.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server administration: CONFIG, SHUTDOWN, SLOWLOG, LATENCY, MEMORY, DEBUG, TIME. INFO lives in
 * {@link Info}, ACL in {@link dev.cairn.cache.acl.AclCommands}.
 */
public final class AdminCommands {
  private static final Logger log = LoggerFactory.getLogger(AdminCommands.class);

  private AdminCommands() {}

  /** addReplyHelp: one status line each. */
  private static void help(Client c, String... lines) {
    c.reply.array(lines.length);
    for (String l : lines) {
      c.reply.simple(l);
    }
  }

  private static CommandError unknownSub(byte[] sub, String cmd) {
    return new CommandError(
        "ERR unknown subcommand '" + Args.str(sub) + "'. Try " + cmd + " HELP.");
  }

  // ---- CONFIG ----

  public static void config(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "get" -> configGet(c, a);
      case "set" -> configSet(c, a);
      case "resetstat" -> {
        c.server.resetCommandStats();
        c.server.totalCommands = 0;
        c.server.keyspace.hits = 0;
        c.server.keyspace.misses = 0;
        c.server.keyspace.expired = 0;
        c.server.keyspace.evicted = 0;
        c.server.slowlog.reset();
        c.server.resetNetStats();
        c.reply.ok();
      }
      case "rewrite" -> throw new CommandError("ERR The server is running without a config file");
      case "help" ->
          help(
              c,
              "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
              "GET <pattern>",
              "    Return parameters matching the glob-like <pattern> and their values.",
              "SET <directive> <value>",
              "    Set the configuration <directive> to <value>.",
              "RESETSTAT",
              "    Reset statistics reported by the INFO command.",
              "REWRITE",
              "    Rewrite the configuration file.",
              "HELP",
              "    Prints this help.");
      default -> throw unknownSub(a[1], "CONFIG");
    }
  }

  private static void configGet(Client c, byte[][] a) {
    if (a.length < 3) {
      throw new CommandError(
          "ERR unknown subcommand or wrong number of arguments for 'get'. Try CONFIG HELP.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    CacheConfig cfg = c.server.config();
    for (int i = 2; i < a.length; i++) {
      String pattern = Args.str(a[i]).toLowerCase(Locale.ROOT);
      for (Option o : CacheConfig.OPTIONS) {
        if (Glob.match(pattern, o.name())) {
          out.put(o.name(), shown(cfg, o));
        }
      }
      CacheConfig.ALIASES.forEach((alias, name) -> {
        if (Glob.match(pattern, alias)) {
          out.put(alias, shown(cfg, CacheConfig.option(name)));
        }
      });
    }
    c.reply.map(out.size());
    out.forEach((k, v) -> {
      c.reply.bulk(k);
      c.reply.bulk(v);
    });
  }

  private static String shown(CacheConfig cfg, Option o) {
    String raw = cfg.raw(o.key());
    return o.key() == CacheConfig.NOTIFY_KEYSPACE_EVENTS ? Notifications.format(raw) : raw;
  }

  /** All pairs are checked before any is applied, so a refused CONFIG SET changes nothing. */
  private static void configSet(Client c, byte[][] a) {
    if (a.length < 4 || a.length % 2 != 0) {
      throw new CommandError(
          "ERR unknown subcommand or wrong number of arguments for 'set'. Try CONFIG HELP.");
    }
    CacheConfig next = c.server.config();
    Set<String> seen = new HashSet<>();
    List<Option> changed = new ArrayList<>();
    for (int i = 2; i < a.length; i += 2) {
      // Redis names the argument as the client wrote it in these errors, the canonical name only
      // in validation errors
      String written = Args.str(a[i]);
      String name = written.toLowerCase(Locale.ROOT);
      String value = Args.str(a[i + 1]);
      Option option = CacheConfig.option(name);
      if (option == null) {
        throw new CommandError(
            "ERR Unknown option or number of arguments for CONFIG SET - '" + written + "'");
      }
      if (option.change() == Option.Change.IMMUTABLE) {
        throw configSetFailed(written, "can't set immutable config");
      }
      if (option.change() == Option.Change.PROTECTED
          && !c.permittedBy(next.get(CacheConfig.ENABLE_PROTECTED_CONFIGS))) {
        throw configSetFailed(written, "can't set protected config");
      }
      if (!seen.add(name)) {
        throw configSetFailed(written, "duplicate parameter");
      }
      try {
        next = next.with(name, value);
      } catch (ConfigException e) {
        String reason = CacheConfig.refusal(option.name(), value);
        if (seen.contains(CacheConfig.NOTIFY_KEYSPACE_EVENTS.name())) {
          // Redis 7.0 puts back the values it already set from their CONFIG GET form, which drops
          // the "n" of "A...n": clients see the same events after a refused CONFIG SET
          CacheConfig current = c.server.config();
          c.server.apply(
              current.with(
                  CacheConfig.NOTIFY_KEYSPACE_EVENTS.name(),
                  Notifications.format(current.raw(CacheConfig.NOTIFY_KEYSPACE_EVENTS))));
        }
        throw configSetFailed(name, reason == null ? e.getMessage() : reason);
      }
      changed.add(option);
    }
    c.server.apply(next);
    if (changed.stream().anyMatch(o -> o.key() == CacheConfig.MAXMEMORY)) {
      c.server.evictToMaxmemory(); // as Redis's updateMaxmemory: at once, with "evicted" events
    }
    for (Option o : changed) {
      if (o.inert() && !next.get(o.key()).equals(o.key().defaultValue())) {
        log.warn(
            "cache CONFIG SET by client id={}: {}",
            c.id,
            CacheConfig.warning(o.name(), next.raw(o.key()), o.absent()));
      }
    }
    c.reply.ok();
  }

  private static CommandError configSetFailed(String name, String reason) {
    return new CommandError(
        "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
  }

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: saves first when asked to, or when save rules are
   * set and NOSAVE is not given; a failed save keeps the server running (the error says so) unless
   * FORCE; the connection closes as the server stops.
   */
  public static void shutdown(Client c, byte[][] a) {
    boolean save = false;
    boolean nosave = false;
    boolean force = false;
    boolean abort = false;
    for (int i = 1; i < a.length; i++) {
      if (is(a[i], "save")) {
        save = true;
      } else if (is(a[i], "nosave")) {
        nosave = true;
      } else if (is(a[i], "abort")) {
        abort = true;
      } else if (is(a[i], "force")) {
        force = true;
      } else if (!is(a[i], "now")) {
        throw CommandError.SYNTAX;
      }
    }
    if (abort) {
      if (a.length > 2) {
        throw CommandError.SYNTAX;
      }
      throw new CommandError("ERR No shutdown in progress.");
    }
    if (save && nosave) {
      throw CommandError.SYNTAX;
    }
    if (c.server.scripting.busy() && !nosave) {
      // only SHUTDOWN NOSAVE may stop a server whose script is busy: its writes are half done
      throw new CommandError(c.server.scripting.busyError());
    }
    try {
      c.server.persistForShutdown(save, nosave);
    } catch (IOException e) {
      if (!force) {
        log.warn("cache SHUTDOWN cancelled: saving failed: {}", e.toString());
        throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
      }
    }
    c.server.shutdown(c);
  }

  // ---- diagnostics ----

  public static void time(Client c, byte[][] a) {
    long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
    c.reply.array(2);
    c.reply.bulk(Args.bytes(micros / 1_000_000));
    c.reply.bulk(Args.bytes(micros % 1_000_000));
  }

  public static void slowlog(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    SlowLog log = c.server.slowlog;
    switch (sub) {
      case "len" -> c.reply.integer(log.size());
      case "reset" -> {
        log.reset();
        c.reply.ok();
      }
      case "get" -> {
        long n = a.length > 2 ? Args.toLong(a[2]) : 10;
        if (n < -1) {
          throw new CommandError("ERR count should be greater than or equal to -1");
        }
        List<SlowLog.Entry> entries = new ArrayList<>(log.entries());
        if (n >= 0 && n < entries.size()) {
          entries = entries.subList(0, (int) n);
        }
        c.reply.array(entries.size());
        for (SlowLog.Entry e : entries) {
          c.reply.array(6);
          c.reply.integer(e.id());
          c.reply.integer(e.time());
          c.reply.integer(e.micros());
          c.reply.array(e.argv().length);
          for (byte[] arg : e.argv()) {
            c.reply.bulk(arg);
          }
          c.reply.bulk(e.addr());
          c.reply.bulk(e.name());
        }
      }
      case "help" -> {
        List<byte[]> lines = new ArrayList<>();
        for (String l : List.of("SLOWLOG <subcommand>", "GET [<count>]", "LEN", "RESET")) {
          lines.add(Args.bytes(l));
        }
        c.reply.bulks(lines, lines.size());
      }
      default -> throw unknownSub(a[1], "SLOWLOG");
    }
  }

  public static void memory(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "usage" -> {
        if (a.length != 3 && !(a.length == 5 && is(a[3], "samples"))) {
          throw CommandError.SYNTAX;
        }
        KeyEntry e = c.db().peek(a[2]);
        if (e == null) {
          c.reply.nullBulk();
        } else {
          c.reply.integer(48 + Memory.sizeOf(e.key) + Memory.sizeOfValue(e.value));
        }
      }
      case "doctor" ->
          c.reply.verbatim("Hi Sam, I can't find any memory issue in your instance.\n");
      // the JVM returns freed memory itself (jvm.options keeps the heap close to the live set)
      case "purge" -> c.reply.ok();
      // what a Redis built without jemalloc answers
      case "malloc-stats" -> c.reply.verbatim("Stats not supported for the current allocator");
      case "stats" -> {
        c.reply.map(3);
        c.reply.bulk("peak.allocated");
        c.reply.integer(c.server.keyspace.usedMemory());
        c.reply.bulk("total.allocated");
        c.reply.integer(c.server.keyspace.usedMemory());
        c.reply.bulk("keys.count");
        c.reply.integer(c.server.keyspace.keys());
      }
      case "help" ->
          help(
              c,
              "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
              "DOCTOR",
              "    Return memory problems reports.",
              "MALLOC-STATS",
              "    Return internal statistics report from the memory allocator.",
              "PURGE",
              "    Attempt to purge dirty pages for reclamation by the allocator.",
              "STATS",
              "    Return information about the memory usage of the server.",
              "USAGE <key> [SAMPLES <count>]",
              "    Return memory in bytes used by <key> and its value. Nested values are",
              "    sampled up to <count> times (default: 5, 0 means sample all).",
              "HELP",
              "    Prints this help.");
      default -> throw unknownSub(a[1], "MEMORY");
    }
  }

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
                + (e.lru & 0xFFFFFF)
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
      default -> throw unknownSub(a[1], "DEBUG");
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
    c.server.touchAllWatched(-1);
    try {
      p.load();
    } catch (IOException e) {
      log.error("cache DEBUG RELOAD could not load what it saved, stopping: {}", e.getMessage());
      c.server.shutdown(c);
      throw new CommandError("ERR Error trying to load the RDB dump: " + e.getMessage());
    }
  }

  public static void lastsave(Client c, byte[][] a) {
    c.reply.integer(c.server.persistence.lastSaveSeconds());
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.2f%s", v, units[i]);
  }
}
