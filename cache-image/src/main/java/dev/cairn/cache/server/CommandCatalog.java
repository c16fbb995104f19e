package dev.cairn.cache.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What COMMAND, COMMAND INFO and COMMAND DOCS answer, as data: the entries Redis 7.0 gives for the
 * commands (and container subcommands: CONFIG GET, CLIENT LIST, XINFO STREAM...) that the cache
 * serves, read from {@value #RESOURCE}. That file is captured from redis-server 7.0 by {@code
 * CommandCatalogCapture} (test sources) keeping only what Cairn implements, and must not be edited
 * by hand; {@code CommandCatalogTest} fails when a command or subcommand is served without an entry
 * or has an entry without being served, or when the dispatcher's own table ({@link Commands})
 * disagrees with it on arity or key positions.
 *
 * <p>Each command is two values in {@link RespTree}'s text form: its COMMAND INFO entry (name,
 * arity, flags, first key, last key, step, ACL categories, tips, key specifications, subcommands)
 * and its COMMAND DOCS map (summary, since, group, complexity, history, arguments, subcommands...).
 * Immutable once loaded; shared by every server in the process.
 */
public final class CommandCatalog {
  static final String RESOURCE = "redis-7.0-commands.txt";

  private static volatile CommandCatalog shared;

  /** One command or subcommand: its COMMAND INFO entry and its COMMAND DOCS map. */
  public record Entry(String name, RespTree.Aggregate info, RespTree.Aggregate docs) {
    public long arity() {
      return ((RespTree.Int) info.items().get(1)).value();
    }

    public Set<String> flags() {
      return texts(info.items().get(2));
    }

    public long firstKey() {
      return ((RespTree.Int) info.items().get(3)).value();
    }

    public long lastKey() {
      return ((RespTree.Int) info.items().get(4)).value();
    }

    public long step() {
      return ((RespTree.Int) info.items().get(5)).value();
    }

    /** The ACL categories without their "@". */
    public Set<String> aclCategories() {
      Set<String> out = new LinkedHashSet<>();
      for (String s : texts(info.items().get(6))) {
        out.add(s.substring(1));
      }
      return out;
    }

    /** The key specifications, each a map (flags, begin_search, find_keys). */
    public List<RespTree.Aggregate> keySpecs() {
      List<RespTree.Aggregate> out = new ArrayList<>();
      for (RespTree t : ((RespTree.Aggregate) info.items().get(8)).items()) {
        out.add((RespTree.Aggregate) t);
      }
      return out;
    }

    /** The subcommands' entries ("config|get"...), empty for a plain command. */
    public List<Entry> subcommands() {
      List<Entry> out = new ArrayList<>();
      RespTree.Aggregate subDocs =
          docs.get("subcommands") instanceof RespTree.Aggregate a ? a : null;
      for (RespTree t : ((RespTree.Aggregate) info.items().get(9)).items()) {
        RespTree.Aggregate sub = (RespTree.Aggregate) t;
        String name = ((RespTree.Text) sub.items().get(0)).value();
        RespTree d = subDocs == null ? null : subDocs.get(name);
        out.add(
            new Entry(
                name,
                sub,
                d instanceof RespTree.Aggregate a ? a : new RespTree.Aggregate('%', List.of())));
      }
      return out;
    }
  }

  private final Map<String, Entry> commands;

  private CommandCatalog(Map<String, Entry> commands) {
    this.commands = Collections.unmodifiableMap(commands);
  }

  /** The catalog shipped with the cache. */
  public static CommandCatalog get() {
    CommandCatalog c = shared;
    if (c == null) {
      try (InputStream in = CommandCatalog.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        c = parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      shared = c;
    }
    return c;
  }

  /** Reads the text form: '#' comment lines first, then per command its info and its docs. */
  public static CommandCatalog parse(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("#") && !line.isBlank()) {
          lines.add(line);
        }
      }
    }
    Map<String, Entry> commands = new LinkedHashMap<>();
    Iterator<String> it = lines.iterator();
    while (it.hasNext()) {
      RespTree.Aggregate info = (RespTree.Aggregate) RespTree.parse(it);
      RespTree.Aggregate docs = (RespTree.Aggregate) RespTree.parse(it);
      String name = ((RespTree.Text) info.items().get(0)).value();
      if (commands.put(name, new Entry(name, info, docs)) != null) {
        throw new IllegalArgumentException("duplicate command " + name + " in " + RESOURCE);
      }
    }
    return new CommandCatalog(commands);
  }

  /** Writes the text form read by {@link #parse}. */
  public static String print(String header, Collection<Entry> entries) {
    StringBuilder sb = new StringBuilder();
    for (String line : header.split("\n")) {
      sb.append("# ").append(line).append('\n');
    }
    for (Entry e : entries) {
      RespTree.print(e.info(), 0, sb);
      RespTree.print(e.docs(), 0, sb);
    }
    return sb.toString();
  }

  public Collection<Entry> all() {
    return commands.values();
  }

  /** A command ("get") or subcommand ("config|get"), any case; null if not served. */
  public Entry lookup(String fullName) {
    String lower = fullName.toLowerCase(Locale.ROOT);
    int bar = lower.indexOf('|');
    if (bar < 0) {
      return commands.get(lower);
    }
    Entry container = commands.get(lower.substring(0, bar));
    if (container == null || lower.indexOf('|', bar + 1) >= 0) {
      return null;
    }
    for (Entry sub : container.subcommands()) {
      if (sub.name().equals(lower)) {
        return sub;
      }
    }
    return null;
  }

  private static Set<String> texts(RespTree t) {
    Set<String> out = new LinkedHashSet<>();
    for (RespTree item : ((RespTree.Aggregate) t).items()) {
      out.add(((RespTree.Text) item).value());
    }
    return out;
  }
}
