package dev.cairn.cache.acl;

import dev.cairn.cache.server.Command;
import dev.cairn.cache.server.KeySpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL users, as Redis 7.0. The {@code default} user starts with every permission and no
 * password; {@code requirepass} gives it one. {@link #check} is the per-command permission test
 * (fast when the user may run everything on every key); {@link #load} and {@link #save} read and
 * write an {@code aclfile} in Redis's format.
 */
public final class Acl {
  /** What a permission check found (Redis's ACL_DENIED_*, in its order of relevance). */
  public enum Verdict {
    OK,
    COMMAND,
    KEY,
    CHANNEL
  }

  /** A check's verdict and, for a key or channel, the argument index that was refused. */
  public record Result(Verdict verdict, int position) {
    static final Result OK = new Result(Verdict.OK, 0);
  }

  private final CommandIndex index = CommandIndex.get();
  private final Map<String, User> users = new TreeMap<>();
  private final User defaultUser;

  public Acl() {
    defaultUser = newDefaultUser();
    users.put("default", defaultUser);
  }

  private User newDefaultUser() {
    User d = new User("default", index);
    for (String rule : List.of("+@all", "~*", "&*", "on", "nopass")) {
      d.apply(rule);
    }
    return d;
  }

  public User defaultUser() {
    return defaultUser;
  }

  /** requirepass: "" means no password. */
  public void requirePass(String password) {
    defaultUser.apply("resetpass");
    defaultUser.apply(password.isEmpty() ? "nopass" : ">" + password);
  }

  public User user(String name) {
    return users.get(name);
  }

  public Collection<User> users() {
    return users.values();
  }

  /**
   * ACL SETUSER: the rules (a {@code (...)} selector may span several arguments) are staged on a
   * copy and applied together, creating the user if needed; returns an error or null.
   */
  public String setUser(String name, List<String> args) {
    List<String> rules = mergeSelectors(args);
    if (rules == null) {
      String start = args.stream().filter(a -> a.startsWith("(")).reduce((a, b) -> b).orElse("");
      return "ERR Unmatched parenthesis in acl selector starting at '" + start + "'.";
    }
    User existing = users.get(name);
    User work = new User(name, index);
    if (existing != null) {
      work.copyFrom(existing);
    }
    for (String r : rules) {
      String err = work.apply(r);
      if (err != null) {
        return "ERR Error in ACL SETUSER modifier '" + r + "': " + err;
      }
    }
    // connected clients hold the User: change it in place
    if (existing != null) {
      existing.copyFrom(work);
    } else {
      users.put(name, work);
    }
    return null;
  }

  /** ACLMergeSelectorArguments: "(+get" "~k)" become one rule; null if a "(" is not closed. */
  private static List<String> mergeSelectors(List<String> args) {
    List<String> out = new ArrayList<>();
    StringBuilder open = null;
    for (String a : args) {
      if (open == null && a.startsWith("(") && !a.endsWith(")")) {
        open = new StringBuilder(a);
      } else if (open != null) {
        open.append(' ').append(a);
        if (a.endsWith(")")) {
          out.add(open.toString());
          open = null;
        }
      } else {
        out.add(a);
      }
    }
    return open == null ? out : null;
  }

  public boolean delete(String name) {
    return users.remove(name) != null;
  }

  /** A refusal: the NOPERM error, and the ACL LOG reason and object. */
  public record Denial(String error, String reason, String object) {}

  /** The ACL log of refusals (ACL LOG). */
  public final AclLog log = new AclLog();

  /** Null if allowed, else the NOPERM error (Redis 7.0 wording). */
  public String check(User u, Command cmd, byte[][] argv) {
    Denial d = deny(u, cmd, argv);
    return d == null ? null : d.error();
  }

  /** Null if allowed, else why not. */
  public Denial deny(User u, Command cmd, byte[][] argv) {
    if (u.unrestricted()) {
      return null;
    }
    CommandIndex.Node node = index.resolve(argv);
    Result r = check(u, node, argv);
    String name = node == null ? cmd.name() : node.fullName();
    return switch (r.verdict()) {
      case OK -> null;
      case COMMAND ->
          new Denial(
              "NOPERM this user has no permissions to run the '" + name + "' command",
              "command",
              name);
      case KEY ->
          new Denial(
              "NOPERM this user has no permissions to access one of the keys used as arguments",
              "key",
              new String(argv[r.position()], StandardCharsets.UTF_8));
      case CHANNEL ->
          new Denial(
              "NOPERM this user has no permissions to access one of the channels used as"
                  + " arguments",
              "channel",
              new String(argv[r.position()], StandardCharsets.UTF_8));
    };
  }

  /**
   * ACLCheckAllUserCommandPerm: allowed if one selector allows it; otherwise the most relevant
   * refusal (command, then the last key, then the last channel no selector matched).
   */
  public Result check(User u, CommandIndex.Node cmd, byte[][] argv) {
    if (cmd == null) {
      return u.root().allCommands ? Result.OK : new Result(Verdict.COMMAND, 0);
    }
    Result relevant = new Result(Verdict.COMMAND, 0);
    List<KeySpecs.Key> keys = null;
    for (Selector s : u.selectors) {
      Result r;
      if (!s.allowsCommand(cmd, argv)) {
        r = new Result(Verdict.COMMAND, 0);
      } else {
        if (keys == null && !s.allKeys) {
          keys = KeySpecs.keysOf(cmd.entry(), argv);
        }
        r = checkKeysAndChannels(s, cmd, argv, keys);
      }
      if (r.verdict() == Verdict.OK) {
        return r;
      }
      if (r.verdict().compareTo(relevant.verdict()) > 0
          || (r.verdict() == relevant.verdict() && r.position() > relevant.position())) {
        relevant = r;
      }
    }
    return relevant;
  }

  private static Result checkKeysAndChannels(
      Selector s, CommandIndex.Node cmd, byte[][] argv, List<KeySpecs.Key> keys) {
    if (!s.allKeys && keys != null) {
      for (KeySpecs.Key k : keys) {
        if (!s.allowsKey(argv[k.position()], needed(k.flags()))) {
          return new Result(Verdict.KEY, k.position());
        }
      }
    }
    if (!s.allChannels) {
      String name = cmd.fullName();
      boolean patterns = name.equals("psubscribe");
      int last =
          switch (name) {
            case "publish", "spublish" -> 1;
            case "subscribe", "psubscribe", "ssubscribe" -> argv.length - 1;
            default -> 0;
          };
      for (int i = 1; i <= last; i++) {
        if (!s.allowsChannel(argv[i], patterns)) {
          return new Result(Verdict.CHANNEL, i);
        }
      }
    }
    return Result.OK;
  }

  /** A key spec's flags as the permissions they need: access reads; insert/delete/update write. */
  private static int needed(List<String> flags) {
    int needed = 0;
    for (String f : flags) {
      switch (f) {
        case "access" -> needed |= Selector.READ;
        case "insert", "delete", "update" -> needed |= Selector.WRITE;
        default -> {}
      }
    }
    return needed;
  }

  /** ACL CAT category: every command and subcommand that has it, in catalog order. */
  public List<String> commandsIn(Category cat) {
    List<String> out = new ArrayList<>();
    for (CommandIndex.Node top : index.topLevel()) {
      if (top.categories().contains(cat)) {
        out.add(top.fullName());
      }
      for (int child : top.children()) {
        CommandIndex.Node sub = index.node(child);
        if (sub.categories().contains(cat)) {
          out.add(sub.fullName());
        }
      }
    }
    return out;
  }

  public CommandIndex index() {
    return index;
  }

  /**
   * ACLLoadFromFile: every line "user name rules..." is applied to a fresh set of users; on any
   * error nothing changes and the errors are returned (as Redis words them), else null. The default
   * user, when the file does not name it, is recreated with all permissions; connected clients keep
   * their User objects (updated in place) unless their user is gone.
   */
  public String load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "Error loading ACLs, opening file '" + file + "': " + reason(e);
    }
    Map<String, User> loaded = new TreeMap<>();
    StringBuilder errors = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int lineNo = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      String[] argv = line.split(" ", -1);
      if (!argv[0].equals("user") || argv.length < 2) {
        errors
            .append(file)
            .append(':')
            .append(lineNo)
            .append(" should start with user keyword followed by the username. ");
        continue;
      }
      if (loaded.containsKey(argv[1])) {
        errors
            .append("WARNING: Duplicate user '")
            .append(argv[1])
            .append("' found on line ")
            .append(lineNo)
            .append(". ");
        continue;
      }
      User u = new User(argv[1], index);
      loaded.put(argv[1], u);
      List<String> rules = mergeSelectors(List.of(argv).subList(2, argv.length));
      if (rules == null) {
        errors
            .append(file)
            .append(':')
            .append(lineNo)
            .append(": Unmatched parenthesis in selector definition.");
        continue;
      }
      boolean syntaxError = false;
      for (String rule : rules) {
        String r = rule.strip();
        String err = u.apply(r);
        if (err == null) {
          continue;
        }
        if (err.equals(Selector.Refusal.UNKNOWN.message)) {
          errors.append(
              String.format("%s:%d: Error in applying operation '%s': %s. ", file, lineNo, r, err));
        } else if (!syntaxError) {
          errors.append(String.format("%s:%d: %s. ", file, lineNo, err));
          syntaxError = true;
        }
      }
    }
    if (!errors.isEmpty()) {
      return errors
          + "WARNING: ACL errors detected, no change to the previously active ACL rules was"
          + " performed";
    }
    User newDefault = loaded.containsKey("default") ? loaded.get("default") : newDefaultUser();
    defaultUser.copyFrom(newDefault);
    // as Redis, every other old user is freed and its clients disconnected, even when the file
    // defines a user of the same name
    replaced.clear();
    replaced.addAll(users.values());
    replaced.remove(defaultUser);
    users.clear();
    users.putAll(loaded);
    users.put("default", defaultUser);
    return null;
  }

  /** The users a successful {@link #load} replaced: their clients are to be disconnected. */
  private final List<User> replaced = new ArrayList<>();

  public List<User> takeReplaced() {
    List<User> out = List.copyOf(replaced);
    replaced.clear();
    return out;
  }

  /** ACLSaveToFile: "user name description" per user, written to a temporary file and renamed. */
  public void save(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (User u : users.values()) {
      sb.append("user ").append(u.name()).append(' ').append(u.describe()).append('\n');
    }
    Path tmp =
        file.resolveSibling(
            file.getFileName()
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + System.currentTimeMillis());
    try {
      Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "No such file or directory"
        : e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage();
  }
}
