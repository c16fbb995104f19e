package dev.cairn.cache.server;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command lookup by name, case-insensitive, without allocating on the hot path: an open-addressed
 * table hashed on the lower-cased bytes. The commands themselves are declared in {@link Commands}.
 */
public final class CommandTable {
  private final Map<String, Command> byName = new LinkedHashMap<>();
  private final Command[] slots = new Command[1024];
  private final byte[][] slotNames = new byte[1024][];

  CommandTable(List<Command> commands) {
    for (Command c : commands) {
      if (byName.put(c.name(), c) != null) {
        throw new IllegalArgumentException("duplicate command " + c.name());
      }
      byte[] name = c.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int i = hash(name) & (slots.length - 1);
      while (slots[i] != null) {
        i = (i + 1) & (slots.length - 1);
      }
      slots[i] = c;
      slotNames[i] = name;
    }
  }

  private static int hash(byte[] b) {
    int h = 0;
    for (byte x : b) {
      int c = x >= 'A' && x <= 'Z' ? x + 32 : x;
      h = h * 31 + c;
    }
    return h ^ (h >>> 11);
  }

  /**
   * Redis's sentinel mode table: the connection and pub/sub commands a client of a sentinel uses,
   * plus the sentinel's own SENTINEL, INFO, ROLE and PUBLISH handlers.
   */
  public static CommandTable forSentinel(
      Command.Handler sentinel,
      Command.Handler info,
      Command.Handler role,
      Command.Handler publish) {
    java.util.Set<String> kept =
        java.util.Set.of(
            "ping",
            "echo",
            "subscribe",
            "unsubscribe",
            "psubscribe",
            "punsubscribe",
            "client",
            "shutdown",
            "auth",
            "hello",
            "acl",
            "command",
            "quit",
            "reset");
    List<Command> out = new java.util.ArrayList<>();
    for (Command c : Commands.table().all()) {
      if (kept.contains(c.name())) {
        out.add(c);
      }
    }
    out.add(Commands.command("sentinel", -2, "admin noscript", sentinel));
    out.add(Commands.command("info", -1, "", info));
    out.add(Commands.command("role", 1, "fast noscript", role));
    out.add(Commands.command("publish", 3, "pubsub fast", publish));
    return new CommandTable(out);
  }

  public Command lookup(byte[] name) {
    if (name.length > 32) {
      return null;
    }
    int i = hash(name) & (slots.length - 1);
    while (slots[i] != null) {
      if (equalsIgnoreCase(slotNames[i], name)) {
        return slots[i];
      }
      i = (i + 1) & (slots.length - 1);
    }
    return null;
  }

  private static boolean equalsIgnoreCase(byte[] lower, byte[] b) {
    if (lower.length != b.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      int c = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
      if (c != lower[i]) {
        return false;
      }
    }
    return true;
  }

  public Command get(String name) {
    return byName.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public Collection<Command> all() {
    return byName.values();
  }
}
