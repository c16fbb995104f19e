package dev.cairn.cache.acl;

import dev.cairn.cache.db.Glob;
import dev.cairn.cache.server.Command;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An ACL user as ACL SETUSER builds it: on/off, passwords (kept as SHA-256 like Redis), command
 * rules ({@code +@all}, {@code -@dangerous}, {@code +get}, {@code +config|get}) evaluated in order,
 * key patterns ({@code ~pattern}) and channel patterns ({@code &pattern}).
 */
public final class User {
  final String name;
  boolean enabled;
  boolean nopass;
  final Set<String> passwords = new LinkedHashSet<>();
  final List<String> commandRules = new ArrayList<>();
  final List<String> keyPatterns = new ArrayList<>();
  final List<String> channelPatterns = new ArrayList<>();

  User(String name) {
    this.name = name;
  }

  void copyFrom(User o) {
    enabled = o.enabled;
    nopass = o.nopass;
    passwords.clear();
    passwords.addAll(o.passwords);
    commandRules.clear();
    commandRules.addAll(o.commandRules);
    keyPatterns.clear();
    keyPatterns.addAll(o.keyPatterns);
    channelPatterns.clear();
    channelPatterns.addAll(o.channelPatterns);
    refresh();
  }

  public String name() {
    return name;
  }

  public boolean requiresPassword() {
    return !nopass;
  }

  public static String sha256(String password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean checkPassword(String password) {
    return enabled && (nopass || passwords.contains(sha256(password)));
  }

  /** Applies one ACL SETUSER rule; returns an error message or null. */
  String apply(String rule) {
    try {
      return applyRule(rule);
    } finally {
      refresh();
    }
  }

  private String applyRule(String rule) {
    String r = rule.toLowerCase(Locale.ROOT);
    switch (r) {
      case "on" -> enabled = true;
      case "off" -> enabled = false;
      case "nopass" -> {
        nopass = true;
        passwords.clear();
      }
      case "resetpass" -> {
        nopass = false;
        passwords.clear();
      }
      case "allkeys" -> {
        keyPatterns.clear();
        keyPatterns.add("*");
      }
      case "resetkeys" -> keyPatterns.clear();
      case "allchannels" -> {
        channelPatterns.clear();
        channelPatterns.add("*");
      }
      case "resetchannels" -> channelPatterns.clear();
      case "allcommands" -> {
        commandRules.clear();
        commandRules.add("+@all");
      }
      case "nocommands" -> {
        commandRules.clear();
        commandRules.add("-@all");
      }
      case "reset" -> {
        enabled = false;
        nopass = false;
        passwords.clear();
        keyPatterns.clear();
        channelPatterns.clear();
        commandRules.clear();
        commandRules.add("-@all");
      }
      default -> {
        return applyPrefixed(rule, r);
      }
    }
    return null;
  }

  private String applyPrefixed(String rule, String r) {
    if (r.isEmpty()) {
      return "Syntax error";
    }
    char p = rule.charAt(0);
    String rest = rule.substring(1);
    switch (p) {
      case '>' -> {
        passwords.add(sha256(rest));
        nopass = false;
      }
      case '<' -> passwords.remove(sha256(rest));
      case '#' -> passwords.add(rest.toLowerCase(Locale.ROOT));
      case '!' -> passwords.remove(rest.toLowerCase(Locale.ROOT));
      case '~' -> keyPatterns.add(rest);
      case '%' -> {
        int t = rest.indexOf('~');
        if (t < 0) {
          return "Syntax error";
        }
        keyPatterns.add(rest.substring(t + 1));
      }
      case '&' -> channelPatterns.add(rest);
      case '+', '-' -> {
        if (r.startsWith("+@") || r.startsWith("-@")) {
          String cat = r.substring(2);
          if (!cat.equals("all") && Category.of(cat) == null) {
            return "Unknown command or category name in ACL";
          }
          if (cat.equals("all")) {
            commandRules.clear();
          }
        }
        commandRules.add(r);
      }
      default -> {
        return "Syntax error";
      }
    }
    return null;
  }

  /** Whether the command rules allow this command (with its first argument, for subcommands). */
  public boolean allows(Command cmd, byte[][] argv) {
    boolean allowed = false;
    String sub =
        argv.length > 1
            ? cmd.name()
                + "|"
                + new String(argv[1], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)
            : null;
    for (String rule : commandRules) {
      boolean plus = rule.charAt(0) == '+';
      String what = rule.substring(1);
      boolean matches;
      if (what.equals("@all")) {
        matches = true;
      } else if (what.startsWith("@")) {
        matches = cmd.categories().contains(Category.of(what.substring(1)));
      } else {
        matches = what.equals(cmd.name()) || what.equals(sub);
      }
      if (matches) {
        allowed = plus;
      }
    }
    return allowed;
  }

  public boolean allCommands() {
    return commandRules.size() == 1 && commandRules.get(0).equals("+@all");
  }

  public boolean allKeys() {
    return keyPatterns.contains("*");
  }

  public boolean allChannels() {
    return channelPatterns.contains("*");
  }

  /** Cached "may run anything on any key and channel", checked on every command. */
  private boolean unrestricted;

  public boolean unrestricted() {
    return unrestricted;
  }

  void refresh() {
    unrestricted = allCommands() && allKeys() && allChannels();
  }

  public boolean keyAllowed(byte[] key) {
    for (String p : keyPatterns) {
      if (Glob.match(p.getBytes(StandardCharsets.UTF_8), key, false)) {
        return true;
      }
    }
    return false;
  }

  public boolean channelAllowed(byte[] channel) {
    for (String p : channelPatterns) {
      if (Glob.match(p.getBytes(StandardCharsets.UTF_8), channel, false)) {
        return true;
      }
    }
    return false;
  }

  /** PSUBSCRIBE: a pattern is allowed only if it is one of the user's patterns, as in Redis. */
  public boolean channelPatternAllowed(byte[] pattern) {
    return allChannels() || channelPatterns.contains(new String(pattern, StandardCharsets.UTF_8));
  }

  public List<String> flags() {
    List<String> f = new ArrayList<>();
    f.add(enabled ? "on" : "off");
    if (nopass) {
      f.add("nopass");
    }
    return f;
  }

  public Set<String> passwordHashes() {
    return passwords;
  }

  public String commandsText() {
    return String.join(" ", commandRules);
  }

  public String keysText() {
    return String.join(" ", keyPatterns.stream().map(p -> "~" + p).toList());
  }

  public String channelsText() {
    return String.join(" ", channelPatterns.stream().map(p -> "&" + p).toList());
  }

  /** The ACL LIST line: "user name on nopass ~* &* +@all". */
  public String describe() {
    List<String> parts = new ArrayList<>();
    parts.add("user");
    parts.add(name);
    parts.addAll(flags());
    for (String h : passwords) {
      parts.add("#" + h);
    }
    if (!keyPatterns.isEmpty()) {
      parts.add(keysText());
    }
    if (!channelPatterns.isEmpty()) {
      parts.add(channelsText());
    }
    parts.add(commandsText());
    return String.join(" ", parts);
  }
}
