package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import java.util.List;

/**
 * What a standalone Redis 7.0 (cluster-enabled no, no modules) answers for the cluster and module
 * families — CLUSTER, ASKING, READONLY, READWRITE refuse with "cluster support disabled"; MODULE
 * lists none, and LOAD/LOADEX/UNLOAD are gated by enable-module-command like Redis's protected
 * commands, then fail as they would for a library Redis cannot load — and LOLWUT past version 6.
 */
final class StandaloneCommands {
  private static final CommandError CLUSTER_DISABLED =
      new CommandError("ERR This instance has cluster support disabled");

  private StandaloneCommands() {}

  static void clusterDisabled(Client c, byte[][] a) {
    throw CLUSTER_DISABLED;
  }

  static void module(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "list" -> c.reply.array(0);
      case "load", "loadex", "unload" -> {
        String gate = c.server.config().raw(CacheConfig.option("enable-module-command").key());
        if (!c.permittedBy(gate)) {
          throw new CommandError(
              "ERR MODULE command not allowed. If the enable-module-command option is set to"
                  + " \"local\", you can run it from a local connection, otherwise you need to set"
                  + " this option in the configuration file, and then restart the server.");
        }
        // Cairn runs on the JVM and loads no native Redis modules: every library fails to load
        throw new CommandError(
            sub.equals("unload")
                ? "ERR Error unloading module: no such module with that name"
                : "ERR Error loading the extension. Please check the server logs.");
      }
      case "help" -> {
        c.replyHelp(
            "MODULE",
            List.of(
                "LIST",
                "    Return a list of loaded modules.",
                "LOAD <path> [<arg> ...]",
                "    Load a module library from <path>, passing to it any optional arguments.",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module library from <path>, while passing it module configurations and"
                    + " optional arguments.",
                "UNLOAD <name>",
                "    Unload a module."));
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try MODULE HELP.");
    }
  }

  /**
   * LOLWUT [VERSION v]: Redis 7.0 draws art only for versions 5 and 6 (random each call); every
   * other version, the default included, answers its version line.
   */
  static void lolwut(Client c, byte[][] a) {
    if (a.length >= 3 && Args.is(a[1], "version")) {
      long v = Args.toLong(a[2]);
      long shown = v & 0xFFFFFFFFL;
      if (shown == 5 || shown == 6) {
        throw new CommandError("ERR LOLWUT version " + shown + " art is not drawn by Cairn");
      }
    }
    c.reply.verbatim("Redis ver. " + ConnectionCommands.REDIS_VERSION + "\n");
  }
}
