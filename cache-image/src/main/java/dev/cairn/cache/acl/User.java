package dev.cairn.cache.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user as Redis 7.0 keeps it: on/off, the payload-sanitizing flag, passwords (SHA-256 hex,
 * as Redis), a root {@link Selector} and the selectors added with {@code (...)} rules. Its ACL LIST
 * line is derived from that state ({@link #describe}), not from the rules as written.
 */
public final class User {
  private static final String HASH_ERROR =
      "The password hash must be exactly 64 characters and contain only lowercase hexadecimal"
          + " characters";

  final String name;
  boolean enabled;
  boolean nopass;

  /** Null until sanitize-payload or skip-sanitize-payload is given. */
  Boolean sanitizePayload;

  final List<String> passwords = new ArrayList<>();
  final List<Selector> selectors = new ArrayList<>();

  /** Cached "may run anything on any key and channel", checked on every command. */
  private boolean unrestricted;

  User(String name, CommandIndex index) {
    this.name = name;
    selectors.add(new Selector(index));
  }

  Selector root() {
    return selectors.get(0);
  }

  void copyFrom(User o) {
    enabled = o.enabled;
    nopass = o.nopass;
    sanitizePayload = o.sanitizePayload;
    passwords.clear();
    passwords.addAll(o.passwords);
    selectors.clear();
    for (Selector s : o.selectors) {
      selectors.add(s.copy());
    }
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

  /** Applies one rule (ACLSetUser); the error message Redis gives, or null. */
  String apply(String op) {
    try {
      return applyRule(op);
    } finally {
      refresh();
    }
  }

  private String applyRule(String op) {
    if (op.isEmpty()) {
      return null;
    }
    switch (op.toLowerCase(Locale.ROOT)) {
      case "on" -> enabled = true;
      case "off" -> enabled = false;
      case "skip-sanitize-payload" -> sanitizePayload = false;
      case "sanitize-payload" -> sanitizePayload = true;
      case "nopass" -> {
        nopass = true;
        passwords.clear();
      }
      case "resetpass" -> {
        nopass = false;
        passwords.clear();
      }
      case "clearselectors" -> selectors.subList(1, selectors.size()).clear();
      case "reset" -> {
        nopass = false;
        passwords.clear();
        enabled = false;
        sanitizePayload = true;
        selectors.subList(1, selectors.size()).clear();
        for (String rule : List.of("resetkeys", "resetchannels", "-@all")) {
          applySelector(root(), rule);
        }
      }
      default -> {
        return applyPrefixed(op);
      }
    }
    return null;
  }

  private String applyPrefixed(String op) {
    char first = op.charAt(0);
    if (first == '>' || first == '#') {
      String hash = first == '>' ? sha256(op.substring(1)) : op.substring(1);
      if (first == '#' && !validHash(hash)) {
        return HASH_ERROR;
      }
      if (!passwords.contains(hash)) {
        passwords.add(hash);
      }
      nopass = false;
      return null;
    }
    if (first == '<' || first == '!') {
      String hash = first == '<' ? sha256(op.substring(1)) : op.substring(1);
      if (first == '!' && !validHash(hash)) {
        return HASH_ERROR;
      }
      return passwords.remove(hash)
          ? null
          : "The password you are trying to remove from the user does not exist";
    }
    if (first == '(' && op.charAt(op.length() - 1) == ')') {
      Selector s = new Selector(root().index);
      for (String rule : op.substring(1, op.length() - 1).trim().split("\\s+")) {
        String err = rule.isEmpty() ? null : applySelector(s, rule);
        if (err != null) {
          return err;
        }
      }
      selectors.add(s);
      return null;
    }
    return applySelector(root(), op);
  }

  private static String applySelector(Selector s, String op) {
    try {
      s.apply(op);
      return null;
    } catch (Selector.RuleException e) {
      return e.getMessage();
    }
  }

  private static boolean validHash(String hash) {
    return hash.length() == 64
        && hash.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)
        && hash.equals(hash.toLowerCase(Locale.ROOT));
  }

  public boolean unrestricted() {
    return unrestricted;
  }

  void refresh() {
    Selector r = root();
    unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  /** Whether one selector may read every key (SORT's BY and GET need it). */
  public boolean allKeys() {
    return selectors.stream().anyMatch(s -> s.unrestrictedKeys(Selector.READ));
  }

  /** Whether some selector lets this key be written (SORT's STORE destination). */
  public boolean keyAllowed(byte[] key) {
    return selectors.stream().anyMatch(s -> s.allowsKey(key, Selector.WRITE));
  }

  /** The flags ACL GETUSER lists, in Redis's order. */
  public List<String> flags() {
    List<String> f = new ArrayList<>();
    f.add(enabled ? "on" : "off");
    if (nopass) {
      f.add("nopass");
    }
    if (sanitizePayload != null) {
      f.add(sanitizePayload ? "sanitize-payload" : "skip-sanitize-payload");
    }
    return f;
  }

  public List<String> passwordHashes() {
    return passwords;
  }

  /** The ACL LIST line without "user name": "on nopass ~* &* +@all", selectors in parentheses. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (String f : flags()) {
      sb.append(f).append(' ');
    }
    for (String h : passwords) {
      sb.append('#').append(h).append(' ');
    }
    sb.append(root().describe());
    for (Selector s : selectors.subList(1, selectors.size())) {
      sb.append(" (").append(s.describe()).append(')');
    }
    return sb.toString();
  }

  /** The root and extra selectors' GETUSER fields: commands, keys, channels. */
  public List<String[]> selectorFields() {
    List<String[]> out = new ArrayList<>();
    for (Selector s : selectors) {
      out.add(new String[] {s.describeCommands(), s.keysField(), s.channelsField()});
    }
    return out;
  }
}
