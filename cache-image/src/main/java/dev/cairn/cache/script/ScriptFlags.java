package dev.cairn.cache.script;

import java.util.EnumSet;
import java.util.Set;

/**
 * The flags a script declares ({@code #!lua flags=no-writes,allow-oom} on EVAL's first line, or
 * {@code flags = {...}} in {@code redis.register_function}), as Redis 7.0's {@code
 * scripts_flags_def}. A script without a shebang runs in EVAL compatibility mode: it may write, is
 * refused only at its first write command when over maxmemory, and keeps the EVAL command's own
 * flags.
 */
record ScriptFlags(Set<Flag> flags, boolean compat, int shebangLength) {
  enum Flag {
    NO_WRITES("no-writes"),
    ALLOW_OOM("allow-oom"),
    ALLOW_STALE("allow-stale"),
    NO_CLUSTER("no-cluster"),
    ALLOW_CROSS_SLOT_KEYS("allow-cross-slot-keys");

    final String text;

    Flag(String text) {
      this.text = text;
    }

    /** The flag named {@code name}, or null. */
    static Flag of(String name, boolean ignoreCase) {
      for (Flag f : values()) {
        if (ignoreCase ? f.text.equalsIgnoreCase(name) : f.text.equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  static final ScriptFlags COMPAT = new ScriptFlags(EnumSet.noneOf(Flag.class), true, 0);

  boolean has(Flag f) {
    return !compat && flags.contains(f);
  }

  /** Parses a script body's shebang line; throws ScriptException with Redis's message. */
  static ScriptFlags ofBody(byte[] body) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return COMPAT;
    }
    int end = 0;
    while (end < body.length && body[end] != '\n') {
      end++;
    }
    if (end == body.length) {
      throw new ScriptException("ERR Invalid script shebang");
    }
    String line = new String(body, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    String[] parts = line.trim().split("\\s+");
    if (parts.length == 0 || parts[0].isEmpty()) {
      throw new ScriptException("ERR Invalid engine in script shebang");
    }
    if (!parts[0].equals("#!lua")) {
      throw new ScriptException("ERR Unexpected engine in script shebang: " + parts[0]);
    }
    EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith("flags=")) {
        throw new ScriptException("ERR Unknown lua shebang option: " + parts[i]);
      }
      String list = parts[i].substring(6);
      if (list.isEmpty()) {
        continue;
      }
      for (String name : list.split(",", -1)) {
        Flag f = Flag.of(name, false);
        if (f == null) {
          throw new ScriptException("ERR Unexpected flag in script shebang: " + name);
        }
        flags.add(f);
      }
    }
    return new ScriptFlags(flags, false, end);
  }

  /** FUNCTION LIST's flag names. */
  java.util.List<String> names() {
    return flags.stream().map(f -> f.text).toList();
  }
}
