package dev.cairn.cache.server;

import dev.cairn.cache.resp.RespWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A reply held as data, in RESP3's types, for replies served from a resource rather than built by
 * code (the command catalog, {@link CommandCatalog}). Written to a client it keeps RESP3's types
 * and falls back to RESP2 as Redis does: maps become flat arrays, sets arrays, null a null array.
 *
 * <p>Text form, one value a line (leading spaces are indentation, ignored): {@code *n} array,
 * {@code %n} map of n pairs, {@code ~n} set, {@code +text} simple string, {@code $text} bulk
 * string, {@code :n} integer, {@code _} null. In text, backslash escapes backslash, CR and LF
 * ({@code \\ \r \n}), so every value stays on its line.
 */
public sealed interface RespTree {
  void write(RespWriter w);

  /** An array, map (pairs flattened: key, value, key, value...) or set. */
  record Aggregate(char type, List<RespTree> items) implements RespTree {
    public Aggregate {
      items = List.copyOf(items);
      if (type == '%' && items.size() % 2 != 0) {
        throw new IllegalArgumentException("a map holds pairs");
      }
    }

    /** The number of elements, or of pairs for a map (what the header says). */
    public int count() {
      return type == '%' ? items.size() / 2 : items.size();
    }

    /** A map's value for this text key, null if absent or not a map. */
    public RespTree get(String key) {
      if (type != '%') {
        return null;
      }
      for (int i = 0; i < items.size(); i += 2) {
        if (items.get(i) instanceof Text t && t.value().equals(key)) {
          return items.get(i + 1);
        }
      }
      return null;
    }

    @Override
    public void write(RespWriter w) {
      switch (type) {
        case '*' -> w.array(items.size());
        case '%' -> w.map(items.size() / 2);
        case '~' -> w.set(items.size());
        default -> throw new IllegalStateException("aggregate " + type);
      }
      for (RespTree item : items) {
        item.write(w);
      }
    }
  }

  /** A simple ({@code simple}) or bulk string. */
  record Text(String value, boolean simple) implements RespTree {
    @Override
    public void write(RespWriter w) {
      if (simple) {
        w.simple(value);
      } else {
        w.bulk(value);
      }
    }
  }

  record Int(long value) implements RespTree {
    @Override
    public void write(RespWriter w) {
      w.integer(value);
    }
  }

  /** RESP3 null; RESP2 the null array (what COMMAND INFO answers for an unknown command). */
  record Null() implements RespTree {
    @Override
    public void write(RespWriter w) {
      w.nullArray();
    }
  }

  static Aggregate array(List<RespTree> items) {
    return new Aggregate('*', items);
  }

  static Text bulk(String s) {
    return new Text(s, false);
  }

  /** Parses one value (and its children) from the lines of the text form. */
  static RespTree parse(Iterator<String> lines) {
    if (!lines.hasNext()) {
      throw new IllegalArgumentException("truncated: a value expected");
    }
    String line = lines.next().stripLeading();
    char type = line.isEmpty() ? '?' : line.charAt(0);
    String rest = line.isEmpty() ? "" : line.substring(1);
    return switch (type) {
      case '*', '%', '~' -> {
        int n = Integer.parseInt(rest);
        List<RespTree> items = new ArrayList<>();
        for (int i = 0; i < (type == '%' ? 2 * n : n); i++) {
          items.add(parse(lines));
        }
        yield new Aggregate(type, items);
      }
      case '+' -> new Text(unescape(rest), true);
      case '$' -> new Text(unescape(rest), false);
      case ':' -> new Int(Long.parseLong(rest));
      case '_' -> new Null();
      default -> throw new IllegalArgumentException("not a value line: " + line);
    };
  }

  /** Appends the text form, indented two spaces a level. */
  static void print(RespTree t, int depth, StringBuilder out) {
    out.append("  ".repeat(depth));
    switch (t) {
      case Aggregate a -> {
        out.append(a.type()).append(a.count()).append('\n');
        for (RespTree item : a.items()) {
          print(item, depth + 1, out);
        }
      }
      case Text s -> out.append(s.simple() ? '+' : '$').append(escape(s.value())).append('\n');
      case Int i -> out.append(':').append(i.value()).append('\n');
      case Null n -> out.append("_\n");
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 'r' ? '\r' : n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
