package dev.cairn.cache.acl;

import dev.cairn.cache.server.Command;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL users. The {@code default} user starts with every permission and no password; {@code
 * requirepass} gives it one, as in Redis. {@link #check} is the per-command permission test (fast
 * when the user may run everything on every key).
 */
public final class Acl {
  private final Map<String, User> users = new TreeMap<>();

  public Acl() {
    User d = new User("default");
    for (String rule : List.of("on", "nopass", "allkeys", "allchannels", "allcommands")) {
      d.apply(rule);
    }
    users.put("default", d);
  }

  public User defaultUser() {
    return users.get("default");
  }

  /** requirepass: "" means no password. */
  public void requirePass(String password) {
    User d = defaultUser();
    d.apply("resetpass");
    d.apply(password.isEmpty() ? "nopass" : ">" + password);
  }

  public User user(String name) {
    return users.get(name);
  }

  public Collection<User> users() {
    return users.values();
  }

  /** ACL SETUSER: creates the user if needed and applies the rules; returns an error or null. */
  public String setUser(String name, List<String> rules) {
    User u = users.get(name);
    User work = new User(name);
    if (u != null) {
      work.copyFrom(u);
    } else {
      work.commandRules.add("-@all");
    }
    for (String r : rules) {
      String err = work.apply(r);
      if (err != null) {
        return "ERR Error in ACL SETUSER modifier '" + r + "': " + err;
      }
    }
    // Connected clients hold the User: change it in place.
    if (u != null) {
      u.copyFrom(work);
    } else {
      users.put(name, work);
    }
    return null;
  }

  public boolean delete(String name) {
    return users.remove(name) != null;
  }

  /** Null if allowed, else the NOPERM error (Redis 7.0 wording). */
  public String check(User u, Command cmd, byte[][] argv) {
    if (u.unrestricted()) {
      return null;
    }
    if (!u.allows(cmd, argv)) {
      return "NOPERM this user has no permissions to run the '" + cmd.name() + "' command";
    }
    if (!u.allKeys()) {
      for (int i : cmd.keyPositions(argv)) {
        if (!u.keyAllowed(argv[i])) {
          return "NOPERM this user has no permissions to access one of the keys used as arguments";
        }
      }
    }
    if (!u.allChannels() && !channelsAllowed(u, cmd.name(), argv)) {
      return "NOPERM this user has no permissions to access one of the channels used as"
          + " arguments";
    }
    return null;
  }

  /** The channels a pub/sub command names (unsubscribing needs no permission). */
  private static boolean channelsAllowed(User u, String command, byte[][] argv) {
    boolean patterns = command.equals("psubscribe");
    int last =
        switch (command) {
          case "publish", "spublish" -> 1;
          case "subscribe", "psubscribe", "ssubscribe" -> argv.length - 1;
          default -> 0;
        };
    for (int i = 1; i <= last; i++) {
      if (patterns ? !u.channelPatternAllowed(argv[i]) : !u.channelAllowed(argv[i])) {
        return false;
      }
    }
    return true;
  }
}
