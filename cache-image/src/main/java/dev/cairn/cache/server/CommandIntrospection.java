package dev.cairn.cache.server;

import dev.cairn.cache.db.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * COMMAND and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP), answered
 * from the {@link CommandCatalog} — what client libraries (cluster routing, redis-cli hints,
 * redis-py's and Lettuce's command tables) read to learn the server — in Redis 7.0's shapes.
 */
public final class CommandIntrospection {
  private CommandIntrospection() {}

  private static final List<String> HELP =
      List.of(
          "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "(no subcommand)",
          "    Return details about all Redis commands.",
          "COUNT",
          "    Return the total number of commands in this Redis server.",
          "LIST",
          "    Return a list of all commands in this Redis server.",
          "INFO [<command-name> ...]",
          "    Return details about multiple Redis commands.",
          "    If no command names are given, documentation details for all",
          "    commands are returned.",
          "DOCS [<command-name> ...]",
          "    Return documentation details about multiple Redis commands.",
          "    If no command names are given, documentation details for all",
          "    commands are returned.",
          "GETKEYS <full-command>",
          "    Return the keys from a full Redis command.",
          "GETKEYSANDFLAGS <full-command>",
          "    Return the keys and the access flags from a full Redis command.",
          "HELP",
          "    Prints this help.");

  public static void command(Client c, byte[][] a) {
    CommandCatalog catalog = CommandCatalog.get();
    if (a.length == 1) {
      c.reply.array(catalog.all().size());
      for (CommandCatalog.Entry e : catalog.all()) {
        e.info().write(c.reply);
      }
      return;
    }
    switch (Args.lower(a[1])) {
      case "count" -> c.reply.integer(catalog.all().size());
      case "info" -> info(c, catalog, a);
      case "docs" -> docs(c, catalog, a);
      case "list" -> list(c, catalog, a);
      case "getkeys" -> getkeys(c, catalog, a, false);
      case "getkeysandflags" -> getkeys(c, catalog, a, true);
      case "help" -> {
        c.reply.array(HELP.size());
        HELP.forEach(c.reply::simple);
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try COMMAND HELP.");
    }
  }

  private static void info(Client c, CommandCatalog catalog, byte[][] a) {
    if (a.length == 2) {
      c.reply.array(catalog.all().size());
      catalog.all().forEach(e -> e.info().write(c.reply));
      return;
    }
    c.reply.array(a.length - 2);
    for (int i = 2; i < a.length; i++) {
      CommandCatalog.Entry e = catalog.lookup(Args.str(a[i]));
      if (e == null) {
        c.reply.nullArray();
      } else {
        e.info().write(c.reply);
      }
    }
  }

  /** Unknown names are left out (the map only holds the commands found). */
  private static void docs(Client c, CommandCatalog catalog, byte[][] a) {
    List<CommandCatalog.Entry> found = new ArrayList<>();
    if (a.length == 2) {
      found.addAll(catalog.all());
    }
    for (int i = 2; i < a.length; i++) {
      CommandCatalog.Entry e = catalog.lookup(Args.str(a[i]));
      if (e != null) {
        found.add(e);
      }
    }
    c.reply.map(found.size());
    for (CommandCatalog.Entry e : found) {
      c.reply.bulk(e.name());
      e.docs().write(c.reply);
    }
  }

  /**
   * COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: every command followed by
   * its subcommands ("config|get"); no modules here, an unknown category matches nothing, the
   * pattern ignores case and sees the full name.
   */
  private static void list(Client c, CommandCatalog catalog, byte[][] a) {
    Predicate<CommandCatalog.Entry> filter = e -> true;
    for (int i = 2; i < a.length; i++) {
      if (!Args.is(a[i], "filterby") || a.length - 1 - i != 2) {
        throw CommandError.SYNTAX;
      }
      byte[] arg = a[i + 2];
      if (Args.is(a[i + 1], "module")) {
        filter = e -> false;
      } else if (Args.is(a[i + 1], "aclcat")) {
        String category = Args.lower(arg);
        filter = e -> e.aclCategories().contains(category);
      } else if (Args.is(a[i + 1], "pattern")) {
        filter = e -> Glob.match(arg, Args.bytes(e.name()), true);
      } else {
        throw CommandError.SYNTAX;
      }
      i += 2;
    }
    List<byte[]> names = new ArrayList<>();
    for (CommandCatalog.Entry e : catalog.all()) {
      if (filter.test(e)) {
        names.add(Args.bytes(e.name()));
      }
      for (CommandCatalog.Entry sub : e.subcommands()) {
        if (filter.test(sub)) {
          names.add(Args.bytes(sub.name()));
        }
      }
    }
    c.reply.bulks(names, names.size());
  }

  /**
   * COMMAND GETKEYS / GETKEYSANDFLAGS command arg...: the command (or "container subcommand") is
   * looked up, must have keys and its arity must fit; then {@link KeySpecs} finds the keys. No key
   * found is an error unless the command may have none (EVAL with numkeys 0).
   */
  private static void getkeys(Client c, CommandCatalog catalog, byte[][] a, boolean withFlags) {
    byte[][] argv = Arrays.copyOfRange(a, 2, a.length);
    CommandCatalog.Entry e = catalog.lookup(Args.str(argv[0]));
    if (e != null && argv.length > 1 && !e.subcommands().isEmpty()) {
      e = catalog.lookup(e.name() + "|" + Args.str(argv[1]).toLowerCase(Locale.ROOT));
    }
    if (e == null) {
      throw new CommandError("ERR Invalid command specified");
    }
    if (!KeySpecs.hasKeys(e)) {
      throw new CommandError("ERR The command has no key arguments");
    }
    long arity = e.arity();
    if ((arity > 0 && arity != argv.length) || argv.length < -arity) {
      throw new CommandError("ERR Invalid number of arguments specified for command");
    }
    List<KeySpecs.Key> keys = KeySpecs.find(e, argv);
    if (keys == null || keys.isEmpty()) {
      if (e.flags().contains("no_mandatory_keys")) {
        c.reply.array(0);
        return;
      }
      throw new CommandError("ERR Invalid arguments specified for command");
    }
    c.reply.array(keys.size());
    for (KeySpecs.Key k : keys) {
      if (withFlags) {
        c.reply.array(2);
        c.reply.bulk(argv[k.position()]);
        c.reply.set(k.flags().size());
        k.flags().forEach(c.reply::simple);
      } else {
        c.reply.bulk(argv[k.position()]);
      }
    }
  }
}
