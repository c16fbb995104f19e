package dev.cairn.cache.server;

import java.util.HashMap;
import java.util.Map;

/**
 * What Redis 7.0's dispatcher checks for a container command (CONFIG, CLIENT, OBJECT, XINFO...)
 * before its handler runs: the subcommand's own arity, from the {@link CommandCatalog}, refused as
 * {@code wrong number of arguments for 'config|get' command}. Unknown subcommands are left to the
 * handlers, which answer "unknown subcommand" for what they do not serve. Immutable.
 */
final class SubcommandArity {
  private final Map<String, Map<String, Long>> arities = new HashMap<>();

  SubcommandArity(CommandCatalog catalog) {
    for (CommandCatalog.Entry e : catalog.all()) {
      for (CommandCatalog.Entry sub : e.subcommands()) {
        arities
            .computeIfAbsent(e.name(), k -> new HashMap<>())
            .put(sub.name().substring(e.name().length() + 1), sub.arity());
      }
    }
  }

  /** The arity error for this call of {@code cmd}, or null if it is not a subcommand misuse. */
  String check(Command cmd, byte[][] argv) {
    if (argv.length < 2) {
      return null;
    }
    Map<String, Long> subs = arities.get(cmd.name());
    if (subs == null) {
      return null;
    }
    String sub = Args.lower(argv[1]);
    Long arity = subs.get(sub);
    if (arity == null || (arity >= 0 ? argv.length == arity : argv.length >= -arity)) {
      return null;
    }
    return "ERR wrong number of arguments for '" + cmd.name() + "|" + sub + "' command";
  }
}
