package dev.cairn.cache.server;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Memory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server administration: SHUTDOWN, SLOWLOG, MEMORY, TIME, LASTSAVE. CONFIG lives in {@link
 * ConfigCommands}, DEBUG in {@link DebugCommands}, LATENCY in {@link LatencyCommands}, INFO in
 * {@link Info}, ACL in {@link dev.cairn.cache.acl.AclCommands}.
 */
public final class AdminCommands {
  private static final Logger log = LoggerFactory.getLogger(AdminCommands.class);

  private AdminCommands() {}

  /** addReplyHelp: one status line each. */
  static void help(Client c, String... lines) {
    c.reply.array(lines.length);
    for (String l : lines) {
      c.reply.simple(l);
    }
  }

  static CommandError unknownSub(byte[] sub, String cmd) {
    return new CommandError(
        "ERR unknown subcommand '" + Args.str(sub) + "'. Try " + cmd + " HELP.");
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
