package dev.cairn.cache.acl;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ACL command, as Redis 7.0's aclCommand. */
public final class AclCommands {
  private static final Logger log = LoggerFactory.getLogger(AclCommands.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private AclCommands() {}

  public static void acl(Client c, byte[][] a) {
    Acl acl = c.server.acl;
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "whoami" -> c.reply.bulk(c.user().name());
      case "users" -> {
        List<byte[]> names = new ArrayList<>();
        for (User u : acl.users()) {
          names.add(Args.bytes(u.name()));
        }
        c.reply.bulks(names, names.size());
      }
      case "list" -> {
        List<byte[]> lines = new ArrayList<>();
        for (User u : acl.users()) {
          lines.add(Args.bytes("user " + u.name() + " " + u.describe()));
        }
        c.reply.bulks(lines, lines.size());
      }
      case "setuser" -> setUser(c, a);
      case "getuser" -> getUser(c, a);
      case "deluser" -> delUser(c, a);
      case "cat" -> cat(c, a);
      case "genpass" -> genpass(c, a);
      case "log" -> log(c, a);
      case "dryrun" -> dryrun(c, a);
      case "load", "save" -> loadOrSave(c, sub);
      case "help" -> help(c);
      default ->
          throw new CommandError("ERR unknown subcommand '" + Args.str(a[1]) + "'. Try ACL HELP.");
    }
  }

  private static void setUser(Client c, byte[][] a) {
    String name = Args.str(a[2]);
    if (name.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == 0)) {
      throw new CommandError("ERR Usernames can't contain spaces or null characters");
    }
    List<String> rules = new ArrayList<>();
    for (int i = 3; i < a.length; i++) {
      rules.add(Args.str(a[i]));
    }
    String err = c.server.acl.setUser(name, rules);
    if (err != null) {
      throw new CommandError(err);
    }
    c.reply.ok();
  }

  private static void getUser(Client c, byte[][] a) {
    User u = c.server.acl.user(Args.str(a[2]));
    if (u == null) {
      c.reply.nullBulk();
      return;
    }
    c.reply.map(6);
    c.reply.bulk("flags");
    c.reply.set(u.flags().size());
    for (String f : u.flags()) {
      c.reply.bulk(f);
    }
    c.reply.bulk("passwords");
    c.reply.array(u.passwordHashes().size());
    for (String p : u.passwordHashes()) {
      c.reply.bulk(p);
    }
    List<String[]> selectors = u.selectorFields();
    writeSelector(c, selectors.get(0));
    c.reply.bulk("selectors");
    c.reply.array(selectors.size() - 1);
    for (String[] s : selectors.subList(1, selectors.size())) {
      c.reply.map(3);
      writeSelector(c, s);
    }
  }

  private static void writeSelector(Client c, String[] fields) {
    c.reply.bulk("commands");
    c.reply.bulk(fields[0]);
    c.reply.bulk("keys");
    c.reply.bulk(fields[1]);
    c.reply.bulk("channels");
    c.reply.bulk(fields[2]);
  }

  private static void delUser(Client c, byte[][] a) {
    for (int i = 2; i < a.length; i++) {
      if (Args.str(a[i]).equals("default")) {
        throw new CommandError("ERR The 'default' user cannot be removed");
      }
    }
    List<User> gone = new ArrayList<>();
    for (int i = 2; i < a.length; i++) {
      User u = c.server.acl.user(Args.str(a[i]));
      if (u != null && c.server.acl.delete(u.name())) {
        gone.add(u);
      }
    }
    disconnect(c, gone);
    c.reply.integer(gone.size());
  }

  /** ACLFreeUserAndKillClients: the caller gets its reply first, then is closed. */
  private static void disconnect(Client c, List<User> users) {
    if (users.isEmpty()) {
      return;
    }
    List<Client> clients = new ArrayList<>();
    c.server.clients.all().forEach(clients::add);
    for (Client x : clients) {
      if (users.contains(x.user())) {
        if (x == c) {
          x.closeAfterReply();
        } else {
          x.close();
        }
      }
    }
  }

  private static void cat(Client c, byte[][] a) {
    List<byte[]> out = new ArrayList<>();
    if (a.length == 2) {
      for (Category cat : Category.values()) {
        out.add(Args.bytes(cat.label()));
      }
    } else {
      Category cat = Category.of(Args.str(a[2]));
      if (cat == null) {
        String name = Args.str(a[2]);
        throw new CommandError(
            "ERR Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
      }
      for (String name : c.server.acl.commandsIn(cat)) {
        out.add(Args.bytes(name));
      }
    }
    c.reply.bulks(out, out.size());
  }

  private static void genpass(Client c, byte[][] a) {
    long bits = 256;
    if (a.length == 3) {
      bits = Args.toLong(a[2]);
    }
    if (bits <= 0 || bits > 4096) {
      throw new CommandError(
          "ERR ACL GENPASS argument must be the number of bits for the output password, a"
              + " positive number up to 4096");
    }
    int chars = (int) ((bits + 3) / 4);
    byte[] rnd = new byte[(chars + 1) / 2];
    RANDOM.nextBytes(rnd);
    c.reply.bulk(HexFormat.of().formatHex(rnd).substring(0, chars));
  }

  /** ACL LOG [count | RESET]: the latest entries first (10 by default). */
  private static void log(Client c, byte[][] a) {
    AclLog log = c.server.acl.log;
    long count = 10;
    if (a.length == 3) {
      if (Args.is(a[2], "reset")) {
        log.reset();
        c.reply.ok();
        return;
      }
      count = Math.max(0, Args.toLong(a[2]));
    }
    count = Math.min(count, log.size());
    c.reply.array(count);
    long now = System.currentTimeMillis();
    for (AclLog.Entry e : log.entries()) {
      if (count-- == 0) {
        break;
      }
      c.reply.map(7);
      c.reply.bulk("count");
      c.reply.integer(e.count);
      c.reply.bulk("reason");
      c.reply.bulk(e.reason);
      c.reply.bulk("context");
      c.reply.bulk(e.context);
      c.reply.bulk("object");
      c.reply.bulk(e.object);
      c.reply.bulk("username");
      c.reply.bulk(e.username);
      c.reply.bulk("age-seconds");
      c.reply.dbl((double) (now - e.millis) / 1000);
      c.reply.bulk("client-info");
      c.reply.bulk(e.clientInfo);
    }
  }

  /**
   * ACL DRYRUN user command args...: whether the user may run it, without running it — the refusal
   * as a bulk string, as Redis 7.0.
   */
  private static void dryrun(Client c, byte[][] a) {
    String userName = Args.str(a[2]);
    User u = c.server.acl.user(userName);
    if (u == null) {
      throw new CommandError("ERR User '" + userName + "' not found");
    }
    byte[][] argv = java.util.Arrays.copyOfRange(a, 3, a.length);
    CommandIndex index = c.server.acl.index();
    CommandIndex.Node cmd = index.resolve(argv);
    if (cmd == null || (argv.length > 1 && !cmd.children().isEmpty() && cmd.parent() < 0)) {
      throw new CommandError("ERR Command '" + Args.str(a[3]) + "' not found");
    }
    long arity = cmd.entry().arity();
    if ((arity > 0 && arity != argv.length) || argv.length < -arity) {
      throw new CommandError("ERR wrong number of arguments for '" + cmd.fullName() + "' command");
    }
    Acl.Result r = c.server.acl.check(u, cmd, argv);
    switch (r.verdict()) {
      case OK -> c.reply.ok();
      case COMMAND ->
          c.reply.bulk("This user has no permissions to run the '" + cmd.fullName() + "' command");
      case KEY ->
          c.reply.bulk(
              "This user has no permissions to access the '"
                  + Args.str(argv[r.position()])
                  + "' key");
      case CHANNEL ->
          c.reply.bulk(
              "This user has no permissions to access the '"
                  + Args.str(argv[r.position()])
                  + "' channel");
    }
  }

  private static void loadOrSave(Client c, String sub) {
    String aclfile = c.server.config().get(CacheConfig.ACLFILE);
    if (aclfile.isEmpty()) {
      throw new CommandError(
          "ERR This Redis instance is not configured to use an ACL file. You may want to specify"
              + " users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you"
              + " have a Redis configuration file set) in order to store users in the Redis"
              + " configuration.");
    }
    Path file = aclFile(c.server.config());
    if (sub.equals("load")) {
      String errors = c.server.acl.load(file);
      if (errors != null) {
        throw new CommandError("ERR " + errors);
      }
      disconnect(c, c.server.acl.takeReplaced());
      log.info("cache ACL LOAD by client id={}: users loaded from {}", c.id, file);
      c.reply.ok();
    } else {
      try {
        c.server.acl.save(file);
      } catch (IOException e) {
        log.warn("cache ACL SAVE to {} failed: {}", file, e.toString());
        throw new CommandError(
            "ERR There was an error trying to save the ACLs. Please check the server logs for"
                + " more information");
      }
      c.reply.ok();
    }
  }

  /** The aclfile, relative to {@code dir} as Redis (which changes into dir) resolves it. */
  public static Path aclFile(CacheConfig config) {
    return Path.of(config.get(CacheConfig.DIR)).resolve(config.get(CacheConfig.ACLFILE));
  }

  private static void help(Client c) {
    c.replyHelp(
        "ACL",
        List.of(
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the"
                + " command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username."));
  }
}
