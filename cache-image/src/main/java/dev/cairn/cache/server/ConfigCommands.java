package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.config.Option;
import dev.cairn.cache.db.Glob;
import dev.cairn.common.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CONFIG GET | SET | RESETSTAT | REWRITE | HELP, as Redis 7.0's configCommand. */
final class ConfigCommands {
  private static final Logger log = LoggerFactory.getLogger(ConfigCommands.class);

  private ConfigCommands() {}

  public static void config(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "get" -> configGet(c, a);
      case "set" -> configSet(c, a);
      case "resetstat" -> {
        c.server.commandStats.reset();
        c.server.keyspace.hits = 0;
        c.server.keyspace.misses = 0;
        c.server.keyspace.expired = 0;
        c.server.keyspace.evicted = 0;
        c.server.slowlog.reset();
        c.server.stats.reset();
        c.reply.ok();
      }
      case "rewrite" -> throw new CommandError("ERR The server is running without a config file");
      case "help" ->
          AdminCommands.help(
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
      default -> throw AdminCommands.unknownSub(a[1], "CONFIG");
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
}
