package dev.cairn.cache.stream;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.Locale;
import java.util.Map;

/**
 * What Redis 7's dispatcher does for a container command (XGROUP, XINFO) before its handler runs:
 * an unknown subcommand and a subcommand's arity (as {@code 'xgroup|create'}) are refused with
 * Redis's texts; and the HELP reply every container shares.
 */
final class Subcommands {
  private Subcommands() {}

  /** Checks the subcommand in {@code a[1]} against its arity; returns its lower-case name. */
  static String check(byte[][] a, String container, Map<String, Integer> arities) {
    String sub = Args.lower(a[1]);
    Integer arity = arities.get(sub);
    if (arity == null) {
      throw new CommandError(
          "ERR unknown subcommand '"
              + Args.str(a[1])
              + "'. Try "
              + container.toUpperCase(Locale.ROOT)
              + " HELP.");
    }
    if (arity >= 0 ? a.length != arity : a.length < -arity) {
      throw Args.wrongArgs(container + "|" + sub);
    }
    return sub;
  }

  /** addReplySubcommandSyntaxError. */
  static CommandError syntax(byte[][] a) {
    return new CommandError(
        "ERR unknown subcommand or wrong number of arguments for '"
            + Args.str(a[1])
            + "'. Try "
            + Args.str(a[0]).toUpperCase(Locale.ROOT)
            + " HELP.");
  }

  /** addReplyHelp: a header, the lines, and HELP itself. */
  static void help(Client c, byte[][] a, String... lines) {
    c.reply.array(lines.length + 3);
    c.reply.simple(
        Args.str(a[0]).toUpperCase(Locale.ROOT)
            + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String l : lines) {
      c.reply.simple(l);
    }
    c.reply.simple("HELP");
    c.reply.simple("    Prints this help.");
  }
}
