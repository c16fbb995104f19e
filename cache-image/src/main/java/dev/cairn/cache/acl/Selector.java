package dev.cairn.cache.acl;

import dev.cairn.cache.db.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One set of ACL permissions, as Redis 7.0's aclSelector: a bitmap of allowed commands and
 * subcommands ({@link CommandIndex}), first arguments allowed for otherwise blocked commands
 * ({@code +select|0}), key patterns with their read/write permission ({@code ~p}, {@code %R~p},
 * {@code %W~p}) and channel patterns. A user has a root selector and, from {@code (...)} rules,
 * more; a command is allowed when one of them allows it.
 */
final class Selector {
  static final int READ = 1;
  static final int WRITE = 2;
  static final int ALL = READ | WRITE;

  /** A key pattern and the permissions (READ, WRITE) it grants. */
  static final class KeyPattern {
    final String pattern;
    int flags;

    KeyPattern(String pattern, int flags) {
      this.pattern = pattern;
      this.flags = flags;
    }

    String describe() {
      return switch (flags) {
        case READ -> "%R~" + pattern;
        case WRITE -> "%W~" + pattern;
        default -> "~" + pattern;
      };
    }
  }

  /** Why ACLSetSelector refused a rule: its errno in Redis, with Redis's message. */
  enum Refusal {
    UNKNOWN("Unknown command or category name in ACL"),
    SYNTAX("Syntax error"),
    KEYS_AFTER_ALL(
        "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not"
            + " have any effect. Try 'resetkeys' to start with an empty list of patterns"),
    CHANNELS_AFTER_ALL(
        "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does"
            + " not have any effect. Try 'resetchannels' to start with an empty list of channels"),
    FIRST_ARG_OF_SUBCOMMAND("Allowing first-arg of a subcommand is not supported");

    final String message;

    Refusal(String message) {
      this.message = message;
    }
  }

  /** Thrown by {@link #apply} for a rule Redis refuses. */
  static final class RuleException extends Exception {
    final Refusal refusal;

    RuleException(Refusal refusal) {
      super(refusal.message, null, false, false);
      this.refusal = refusal;
    }
  }

  final CommandIndex index;
  final BitSet commands;
  boolean allCommands;
  final Map<Integer, List<String>> firstArgs = new LinkedHashMap<>();
  final List<KeyPattern> keys = new ArrayList<>();
  boolean allKeys;
  final List<String> channels = new ArrayList<>();
  boolean allChannels;

  Selector(CommandIndex index) {
    this.index = index;
    this.commands = new BitSet(index.size() + 1);
  }

  Selector copy() {
    Selector s = new Selector(index);
    s.commands.or(commands);
    s.allCommands = allCommands;
    firstArgs.forEach((id, args) -> s.firstArgs.put(id, new ArrayList<>(args)));
    for (KeyPattern k : keys) {
      s.keys.add(new KeyPattern(k.pattern, k.flags));
    }
    s.allKeys = allKeys;
    s.channels.addAll(channels);
    s.allChannels = allChannels;
    return s;
  }

  /** Applies one rule (ACLSetSelector). */
  void apply(String op) throws RuleException {
    String lower = op.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "allkeys", "~*" -> {
        allKeys = true;
        keys.clear();
      }
      case "resetkeys" -> {
        allKeys = false;
        keys.clear();
      }
      case "allchannels", "&*" -> {
        allChannels = true;
        channels.clear();
      }
      case "resetchannels" -> {
        allChannels = false;
        channels.clear();
      }
      case "allcommands", "+@all" -> {
        commands.set(0, index.futureBit() + 1);
        allCommands = true;
        firstArgs.clear();
      }
      case "nocommands", "-@all" -> {
        commands.clear();
        allCommands = false;
        firstArgs.clear();
      }
      default -> applyPrefixed(op);
    }
  }

  private void applyPrefixed(String op) throws RuleException {
    char first = op.isEmpty() ? 0 : op.charAt(0);
    char second = op.length() > 1 ? op.charAt(1) : 0;
    if (first == '~' || first == '%') {
      addKeyPattern(op);
    } else if (first == '&') {
      if (allChannels) {
        throw new RuleException(Refusal.CHANNELS_AFTER_ALL);
      }
      String pattern = op.substring(1);
      if (hasSpaces(pattern)) {
        throw new RuleException(Refusal.SYNTAX);
      }
      if (!channels.contains(pattern)) {
        channels.add(pattern);
      }
    } else if ((first == '+' || first == '-') && second == '@') {
      Category cat = Category.of(op.substring(2));
      if (cat == null) {
        throw new RuleException(Refusal.UNKNOWN);
      }
      setCategory(cat, first == '+');
    } else if (first == '+') {
      allowCommand(op.substring(1));
    } else if (first == '-') {
      CommandIndex.Node cmd = index.lookup(op.substring(1));
      if (cmd == null) {
        throw new RuleException(Refusal.UNKNOWN);
      }
      change(cmd, false);
    } else {
      throw new RuleException(Refusal.SYNTAX);
    }
  }

  private void addKeyPattern(String op) throws RuleException {
    if (allKeys) {
      throw new RuleException(Refusal.KEYS_AFTER_ALL);
    }
    int flags = 0;
    int offset = 1;
    if (op.charAt(0) == '%') {
      for (; offset < op.length(); offset++) {
        char ch = Character.toUpperCase(op.charAt(offset));
        if (ch == 'R' && (flags & READ) == 0) {
          flags |= READ;
        } else if (ch == 'W' && (flags & WRITE) == 0) {
          flags |= WRITE;
        } else if (ch == '~') {
          offset++;
          break;
        } else {
          throw new RuleException(Refusal.SYNTAX);
        }
      }
    } else {
      flags = ALL;
    }
    String pattern = op.substring(Math.min(offset, op.length()));
    if (hasSpaces(pattern)) {
      throw new RuleException(Refusal.SYNTAX);
    }
    for (KeyPattern k : keys) {
      if (k.pattern.equals(pattern)) {
        k.flags |= flags;
        return;
      }
    }
    keys.add(new KeyPattern(pattern, flags));
  }

  private static boolean hasSpaces(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isWhitespace(ch) || ch == 0) {
        return true;
      }
    }
    return false;
  }

  /** "+name", "+container|sub" or "+command|first-arg" (without the "+"). */
  private void allowCommand(String name) throws RuleException {
    int bar = name.lastIndexOf('|');
    if (bar < 0) {
      CommandIndex.Node cmd = index.lookup(name);
      if (cmd == null) {
        throw new RuleException(Refusal.UNKNOWN);
      }
      change(cmd, true);
      return;
    }
    CommandIndex.Node cmd = index.lookup(name.substring(0, bar));
    String sub = name.substring(bar + 1);
    if (cmd == null) {
      throw new RuleException(Refusal.UNKNOWN);
    }
    if (cmd.parent() >= 0) {
      throw new RuleException(Refusal.FIRST_ARG_OF_SUBCOMMAND);
    }
    if (sub.isEmpty()) {
      throw new RuleException(Refusal.SYNTAX);
    }
    if (!cmd.children().isEmpty()) {
      CommandIndex.Node subcommand = index.lookup(name);
      if (subcommand == null) {
        throw new RuleException(Refusal.UNKNOWN);
      }
      change(subcommand, true);
    } else {
      List<String> args = firstArgs.computeIfAbsent(cmd.id(), id -> new ArrayList<>());
      if (args.stream().noneMatch(sub::equalsIgnoreCase)) {
        args.add(sub);
      }
    }
  }

  /** ACLChangeSelectorPerm: the command's bit and its subcommands' bits. */
  void change(CommandIndex.Node cmd, boolean allow) {
    setBit(cmd.id(), allow);
    firstArgs.remove(cmd.id());
    for (int child : cmd.children()) {
      setBit(child, allow);
    }
  }

  private void setBit(int id, boolean allow) {
    if (allow) {
      commands.set(id);
    } else {
      commands.clear(id);
      allCommands = false;
    }
  }

  /** +@category / -@category: every command and subcommand that has it, recursively. */
  void setCategory(Category cat, boolean allow) {
    for (CommandIndex.Node top : index.topLevel()) {
      if (top.categories().contains(cat)) {
        change(top, allow);
      }
      for (int child : top.children()) {
        CommandIndex.Node sub = index.node(child);
        if (sub.categories().contains(cat)) {
          change(sub, allow);
        }
      }
    }
  }

  boolean canRunFutureCommands() {
    return commands.get(index.futureBit());
  }

  /**
   * ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that best approximate the
   * bitmap (each chosen when it has more commands in common with it than different, fewest
   * differences first), then the single commands still different, then allowed first arguments.
   */
  String describeCommands() {
    boolean additive = !canRunFutureCommands();
    StringBuilder rules = new StringBuilder(additive ? "-@all " : "+@all ");
    Selector fake = new Selector(index);
    Selector temp = new Selector(index);
    try {
      fake.apply(additive ? "-@all" : "+@all");
    } catch (RuleException e) {
      throw new IllegalStateException(e);
    }
    temp.commands.or(commands);
    boolean[] applied = new boolean[Category.values().length];
    while (true) {
      int best = -1;
      long minDiff = Integer.MAX_VALUE;
      long maxSame = 0;
      for (Category cat : Category.values()) {
        if (applied[cat.ordinal()]) {
          continue;
        }
        long[] onOff = temp.countCategory(cat);
        long diff = additive ? onOff[1] : onOff[0];
        long same = additive ? onOff[0] : onOff[1];
        if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
          best = cat.ordinal();
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best < 0) {
        break;
      }
      Category cat = Category.values()[best];
      fake.setCategory(cat, additive);
      temp.setCategory(cat, !additive);
      rules.append(additive ? "+@" : "-@").append(cat.label()).append(' ');
      applied[best] = true;
    }
    for (CommandIndex.Node top : index.topLevel()) {
      describeSingle(top, fake, rules);
      for (int child : top.children()) {
        describeSingle(index.node(child), fake, rules);
      }
      // first arguments are emitted after the command's subcommands, as Redis's recursion does
      List<String> args = firstArgs.get(top.id());
      if (!commands.get(top.id()) && args != null) {
        for (String a : args) {
          rules.append('+').append(top.fullName()).append('|').append(a).append(' ');
        }
      }
    }
    rules.setLength(rules.length() - 1);
    return rules.toString();
  }

  private void describeSingle(CommandIndex.Node cmd, Selector fake, StringBuilder rules) {
    boolean mine = commands.get(cmd.id());
    if (mine != fake.commands.get(cmd.id())) {
      rules.append(mine ? '+' : '-').append(cmd.fullName()).append(' ');
      fake.change(cmd, mine);
    }
  }

  /** How many commands of the category are on and off in this bitmap. */
  private long[] countCategory(Category cat) {
    long[] onOff = new long[2];
    for (int id = 0; id < index.size(); id++) {
      if (index.node(id).categories().contains(cat)) {
        onOff[commands.get(id) ? 0 : 1]++;
      }
    }
    return onOff;
  }

  /** The key patterns as ACL LIST writes them, each followed by a space ("~*" when all). */
  String describeKeys() {
    if (allKeys) {
      return "~* ";
    }
    StringBuilder sb = new StringBuilder();
    for (KeyPattern k : keys) {
      sb.append(k.describe()).append(' ');
    }
    return sb.toString();
  }

  String describeChannels() {
    if (allChannels) {
      return "&* ";
    }
    StringBuilder sb = new StringBuilder("resetchannels ");
    for (String ch : channels) {
      sb.append('&').append(ch).append(' ');
    }
    return sb.toString();
  }

  /** ACLDescribeSelector: keys, channels, command rules. */
  String describe() {
    return describeKeys() + describeChannels() + describeCommands();
  }

  /** ACL GETUSER's "keys" field. */
  String keysField() {
    return allKeys ? "~*" : String.join(" ", keys.stream().map(KeyPattern::describe).toList());
  }

  /** ACL GETUSER's "channels" field. */
  String channelsField() {
    return allChannels ? "&*" : String.join(" ", channels.stream().map(c -> "&" + c).toList());
  }

  /** Whether the bitmap (or an allowed first argument) lets this command line run. */
  boolean allowsCommand(CommandIndex.Node cmd, byte[][] argv) {
    if (allCommands || cmd.noAuth() || commands.get(cmd.id())) {
      return true;
    }
    List<String> args = firstArgs.get(cmd.id());
    int at = cmd.parent() >= 0 ? 2 : 1;
    if (args == null || argv.length <= at) {
      return false;
    }
    String arg = new String(argv[at], StandardCharsets.UTF_8);
    return args.stream().anyMatch(arg::equalsIgnoreCase);
  }

  /** ACLSelectorCheckKey: a pattern with every permission the access needs matches the key. */
  boolean allowsKey(byte[] key, int needed) {
    if (allKeys) {
      return true;
    }
    for (KeyPattern k : keys) {
      if ((k.flags & needed) == needed
          && Glob.match(k.pattern.getBytes(StandardCharsets.UTF_8), key, false)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the selector may touch every key with these permissions ("~*" or "%R~*"...). */
  boolean unrestrictedKeys(int needed) {
    if (allKeys) {
      return true;
    }
    for (KeyPattern k : keys) {
      if ((k.flags & needed) == needed && k.pattern.equals("*")) {
        return true;
      }
    }
    return false;
  }

  /** A channel name is matched against the patterns; a PSUBSCRIBE pattern only literally. */
  boolean allowsChannel(byte[] channel, boolean isPattern) {
    if (allChannels) {
      return true;
    }
    String literal = new String(channel, StandardCharsets.UTF_8);
    for (String p : channels) {
      if (isPattern
          ? p.equals(literal)
          : Glob.match(p.getBytes(StandardCharsets.UTF_8), channel, false)) {
        return true;
      }
    }
    return false;
  }
}
