package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis's sort.c: the elements of a list, set or sorted set ordered
 * numerically (ties by element bytes, so the result is deterministic) or with ALPHA by bytes,
 * optionally by the values of other keys ({@code BY weight_*}, {@code BY h_*->field}; a pattern
 * without {@code *} keeps the stored order), with LIMIT, DESC, GET patterns ({@code #} is the
 * element) and STORE into a list.
 *
 * <p>BY and GET read keys the command line does not name, so, as in Redis, they need a user with
 * access to every key.
 */
public final class Sort {
  private Sort() {}

  /** One element and what it sorts by: a number, or bytes (null sorts first) with ALPHA. */
  private record Item(byte[] element, double score, byte[] key) {}

  public static void sort(Client c, byte[][] a) {
    run(c, a, false);
  }

  public static void sortRo(Client c, byte[][] a) {
    run(c, a, true);
  }

  private static void run(Client c, byte[][] a, boolean readOnly) {
    boolean desc = false;
    boolean alpha = false;
    boolean dontSort = false;
    byte[] by = null;
    byte[] store = null;
    long offset = 0;
    long count = -1;
    List<byte[]> gets = new ArrayList<>();
    for (int i = 2; i < a.length; i++) {
      int left = a.length - i - 1;
      if (is(a[i], "asc")) {
        desc = false;
      } else if (is(a[i], "desc")) {
        desc = true;
      } else if (is(a[i], "alpha")) {
        alpha = true;
      } else if (is(a[i], "limit") && left >= 2) {
        offset = Args.toLong(a[i + 1]);
        count = Args.toLong(a[i + 2]);
        i += 2;
      } else if (!readOnly && is(a[i], "store") && left >= 1) {
        store = a[++i];
      } else if (is(a[i], "by") && left >= 1) {
        by = a[++i];
        if (indexOf(by, '*', 0) < 0) {
          dontSort = true;
        } else if (!c.user().allKeys()) {
          throw new CommandError(
              "ERR BY option of SORT denied due to insufficient ACL permissions.");
        }
      } else if (is(a[i], "get") && left >= 1) {
        if (!c.user().allKeys()) {
          throw new CommandError(
              "ERR GET option of SORT denied due to insufficient ACL permissions.");
        }
        gets.add(a[++i]);
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (store != null && !c.user().keyAllowed(store)) {
      throw new CommandError(
          "NOPERM this user has no permissions to access one of the keys used as arguments");
    }
    Database db = c.db();
    KeyEntry source = db.lookupRead(a[1]);
    Object value = source == null ? null : source.value;
    List<byte[]> elements = elements(value, dontSort && desc);
    if (dontSort && value instanceof Dict && (store != null || c.scripted())) {
      // a set's iteration order is not a result: output stored or given to a script is sorted,
      // as in Redis (the same on every replica)
      dontSort = false;
      alpha = true;
      by = null;
    }
    if (!dontSort) {
      elements = sorted(db, elements, by, alpha, desc);
    }
    int n = elements.size();
    int start = (int) Math.min(Math.max(offset, 0), Integer.MAX_VALUE);
    int end = count < 0 ? n - 1 : (int) Math.min((long) start + count - 1, Integer.MAX_VALUE);
    if (start >= n) {
      start = n;
      end = n - 1;
    }
    end = Math.min(end, n - 1);
    List<byte[]> out = new ArrayList<>();
    for (int i = start; i <= end; i++) {
      byte[] element = elements.get(i);
      if (gets.isEmpty()) {
        out.add(element);
      }
      for (byte[] pattern : gets) {
        out.add(lookup(db, pattern, element));
      }
    }
    if (store == null) {
      c.reply.array(out.size());
      for (byte[] v : out) {
        c.reply.bulk(v);
      }
      return;
    }
    if (out.isEmpty()) {
      if (db.delete(store)) {
        c.server.notify(db, store, 'g', "del");
      }
    } else {
      ListValue list = new ListValue();
      for (byte[] v : out) {
        list.addLast(v == null ? new byte[0] : v);
      }
      db.set(store, list, false);
      c.server.notify(db, store, 'l', "sortstore");
    }
    c.reply.integer(out.size());
  }

  /** The elements to sort, in stored order (a list or sorted set reversed when asked). */
  private static List<byte[]> elements(Object value, boolean reverse) {
    List<byte[]> out = new ArrayList<>();
    switch (value) {
      case null -> {}
      case ListValue l -> {
        for (int i = 0; i < l.size(); i++) {
          out.add(l.get(reverse ? l.size() - 1 - i : i));
        }
      }
      case ZSet z -> {
        for (ZSet.Node n = reverse ? z.last() : z.first();
            n != null;
            n = reverse ? n.previous() : n.next()) {
          out.add(n.member);
        }
      }
      case Dict d when d.kind() == Dict.Kind.SET -> {
        for (Dict.Entry e : d) {
          out.add(e.key);
        }
      }
      default -> throw CommandError.WRONGTYPE;
    }
    return out;
  }

  private static List<byte[]> sorted(
      Database db, List<byte[]> elements, byte[] by, boolean alpha, boolean desc) {
    List<Item> items = new ArrayList<>(elements.size());
    for (byte[] e : elements) {
      byte[] key = by == null ? e : lookup(db, by, e);
      if (alpha) {
        items.add(new Item(e, 0, key));
      } else {
        Double score = key == null ? Double.valueOf(0) : Args.tryDouble(key);
        if (score == null || score.isNaN()) {
          throw new CommandError("ERR One or more scores can't be converted into double");
        }
        items.add(new Item(e, score, null));
      }
    }
    Comparator<Item> order =
        alpha
            ? Comparator.comparing(
                Item::key, Comparator.nullsFirst((x, y) -> Arrays.compareUnsigned(x, y)))
            : Comparator.comparingDouble(Item::score)
                .thenComparing(Item::element, Arrays::compareUnsigned);
    items.sort(desc ? order.reversed() : order);
    return items.stream().map(Item::element).toList();
  }

  /**
   * The value a BY or GET pattern names for an element: {@code #} is the element itself, the first
   * {@code *} is replaced by it, and {@code key->field} reads a hash field. Missing keys, fields
   * and values of other types are null.
   */
  private static byte[] lookup(Database db, byte[] pattern, byte[] element) {
    if (pattern.length == 1 && pattern[0] == '#') {
      return element;
    }
    int star = indexOf(pattern, '*', 0);
    if (star < 0) {
      return null;
    }
    int arrow = -1;
    for (int i = star + 1; i + 1 < pattern.length; i++) {
      if (pattern[i] == '-' && pattern[i + 1] == '>') {
        arrow = i;
        break;
      }
    }
    boolean field = arrow >= 0 && arrow + 2 < pattern.length;
    int keyEnd = field ? arrow : pattern.length;
    byte[] key = new byte[keyEnd - 1 + element.length];
    System.arraycopy(pattern, 0, key, 0, star);
    System.arraycopy(element, 0, key, star, element.length);
    System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
    KeyEntry e = db.peek(key);
    if (e == null) {
      return null;
    }
    if (!field) {
      return e.value instanceof byte[] b ? b : null;
    }
    if (e.value instanceof Dict d && d.kind() == Dict.Kind.HASH) {
      return (byte[]) d.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length));
    }
    return null;
  }

  private static int indexOf(byte[] b, char c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
