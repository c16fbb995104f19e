package dev.cairn.cache.acl;

import dev.cairn.cache.server.CommandCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redis 7.0's ACL view of the command table: every command and every container's subcommand
 * ("config|get") has an id — its bit in a selector's command bitmap — and its own ACL categories,
 * read from the catalog ({@link CommandCatalog}), so {@code +@admin} allows CONFIG SET by its
 * subcommand's categories and {@code -config|get} removes that one bit. One more bit, {@link
 * #futureBit}, is set only by {@code +@all}: it says the rules started from everything (Redis
 * reserves it for commands loaded later).
 */
public final class CommandIndex {
  /** One command or subcommand. {@code parent} is -1 for a top-level command. */
  public record Node(
      int id,
      String fullName,
      Set<Category> categories,
      boolean noAuth,
      int parent,
      List<Integer> children,
      CommandCatalog.Entry entry) {}

  private static volatile CommandIndex shared;

  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> topLevel = new ArrayList<>();
  private final Map<String, Node> byName = new HashMap<>();

  private CommandIndex(CommandCatalog catalog) {
    for (CommandCatalog.Entry e : catalog.all()) {
      Node top = add(e, -1);
      topLevel.add(top);
      for (CommandCatalog.Entry sub : e.subcommands()) {
        top.children().add(add(sub, top.id()).id());
      }
    }
  }

  private Node add(CommandCatalog.Entry e, int parent) {
    EnumSet<Category> cats = EnumSet.noneOf(Category.class);
    for (String label : e.aclCategories()) {
      Category c = Category.of(label);
      if (c != null) {
        cats.add(c);
      }
    }
    Node n =
        new Node(
            nodes.size(),
            e.name(),
            Collections.unmodifiableSet(cats),
            e.flags().contains("no_auth"),
            parent,
            new ArrayList<>(),
            e);
    nodes.add(n);
    byName.put(e.name(), n);
    return n;
  }

  /** The index of the catalog shipped with the cache. */
  public static CommandIndex get() {
    CommandIndex i = shared;
    if (i == null) {
      i = new CommandIndex(CommandCatalog.get());
      shared = i;
    }
    return i;
  }

  /** The bit only {@code +@all} sets. */
  public int futureBit() {
    return nodes.size();
  }

  public int size() {
    return nodes.size();
  }

  public Node node(int id) {
    return nodes.get(id);
  }

  /** The top-level commands, each followed in {@link Node#children} by its subcommands. */
  public List<Node> topLevel() {
    return topLevel;
  }

  /** "get" or "config|get", any case; null if unknown. */
  public Node lookup(String fullName) {
    return byName.get(fullName.toLowerCase(Locale.ROOT));
  }

  /**
   * What a command line runs, as Redis's lookupCommand: a container's subcommand when argv[1] names
   * one, else the command itself; null if the command is unknown.
   */
  public Node resolve(byte[][] argv) {
    Node top = byName.get(new String(argv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    if (top == null || top.children().isEmpty() || argv.length < 2) {
      return top;
    }
    Node sub =
        byName.get(
            top.fullName()
                + "|"
                + new String(argv[1], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    return sub == null ? top : sub;
  }
}
