package dev.cairn.cache.server;

import java.util.ArrayList;
import java.util.List;

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS: the keys of a full command line, found as Redis 7.0 finds them
 * — by walking the command's key specifications from the catalog (begin search by index or keyword,
 * then a range or a key count), each key carrying its spec's flags (RO/RW/OW/RM, access, update,
 * insert, delete). Where the specs cannot say (SORT's BY/GET keys are "unknown") or their flags
 * depend on the arguments (SET ... GET, BITFIELD), the command's own rule decides, as Redis's
 * getkeys procedures do.
 */
public final class KeySpecs {
  private KeySpecs() {}

  /** One key: its argument index in the command line and its access flags. */
  public record Key(int position, List<String> flags) {}

  /** Whether the command names keys at all (a spec that is not only a channel, "not_key"). */
  static boolean hasKeys(CommandCatalog.Entry entry) {
    for (RespTree.Aggregate spec : entry.keySpecs()) {
      if (!flags(spec).contains("not_key")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The keys of {@code argv} (argv[0] the command name), or null when the arguments make the specs
   * fail (a key count that is not a number, a range past the end).
   */
  /** The keys of {@code argv} for an ACL check: none when the specs fail, as in Redis. */
  public static List<Key> keysOf(CommandCatalog.Entry entry, byte[][] argv) {
    List<Key> keys = find(entry, argv);
    return keys == null ? List.of() : keys;
  }

  static List<Key> find(CommandCatalog.Entry entry, byte[][] argv) {
    String name = entry.name();
    boolean variableFlags = false;
    for (RespTree.Aggregate spec : entry.keySpecs()) {
      variableFlags |= flags(spec).contains("variable_flags");
    }
    if (!variableFlags) {
      List<Key> keys = fromSpecs(entry, argv);
      if (keys != null) {
        return keys;
      }
    }
    return switch (name) {
      case "sort" -> sortKeys(argv);
      case "sort_ro" -> List.of(new Key(1, List.of("RO", "access")));
      case "set" -> List.of(new Key(1, setFlags(argv)));
      case "bitfield" -> List.of(new Key(1, bitfieldFlags(argv)));
      default -> null;
    };
  }

  private static List<Key> fromSpecs(CommandCatalog.Entry entry, byte[][] argv) {
    int argc = argv.length;
    List<Key> keys = new ArrayList<>();
    for (RespTree.Aggregate spec : entry.keySpecs()) {
      List<String> flags = flags(spec);
      if (flags.contains("not_key")) {
        continue;
      }
      RespTree.Aggregate begin = (RespTree.Aggregate) spec.get("begin_search");
      RespTree.Aggregate beginSpec = (RespTree.Aggregate) begin.get("spec");
      int first = 0;
      switch (text(begin.get("type"))) {
        case "index" -> first = integer(beginSpec.get("index"));
        case "keyword" -> {
          String keyword = text(beginSpec.get("keyword"));
          int from = integer(beginSpec.get("startfrom"));
          int start = from > 0 ? from : argc + from;
          int end = from > 0 ? argc - 1 : 1;
          for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
            if (i >= argc || i < 1) {
              break;
            }
            if (Args.is(argv[i], keyword.toLowerCase(java.util.Locale.ROOT))) {
              first = i + 1;
              break;
            }
          }
          if (first == 0) {
            continue; // keyword absent: this spec names no key
          }
        }
        default -> {
          return null;
        }
      }
      RespTree.Aggregate find = (RespTree.Aggregate) spec.get("find_keys");
      RespTree.Aggregate findSpec = (RespTree.Aggregate) find.get("spec");
      int last;
      int step;
      switch (text(find.get("type"))) {
        case "range" -> {
          step = integer(findSpec.get("keystep"));
          int lastKey = integer(findSpec.get("lastkey"));
          int limit = integer(findSpec.get("limit"));
          if (lastKey >= 0) {
            last = first + lastKey;
          } else if (limit == 0) {
            last = argc + lastKey;
          } else {
            last = first + ((argc - first) / limit + lastKey);
          }
        }
        case "keynum" -> {
          step = integer(findSpec.get("keystep"));
          int at = first + integer(findSpec.get("keynumidx"));
          Long n = at < argc ? Args.tryLong(argv[at]) : null;
          if (n == null || n < 0) {
            return null;
          }
          first += integer(findSpec.get("firstkey"));
          last = (int) Math.min(Integer.MAX_VALUE, first + n - 1);
        }
        default -> {
          return null;
        }
      }
      if (last >= argc || last < first || first >= argc) {
        return null;
      }
      for (int i = first; i <= last; i += step) {
        keys.add(new Key(i, flags));
      }
      if (flags.contains("incomplete")) {
        return null;
      }
    }
    return keys;
  }

  /** sortGetKeys: the sorted key, and the last STORE's destination (LIMIT, BY, GET skipped). */
  private static List<Key> sortKeys(byte[][] argv) {
    int store = -1;
    for (int i = 2; i < argv.length; i++) {
      if (Args.is(argv[i], "limit")) {
        i += 2;
      } else if (Args.is(argv[i], "get") || Args.is(argv[i], "by")) {
        i += 1;
      } else if (Args.is(argv[i], "store") && i + 1 < argv.length) {
        store = i + 1;
      }
    }
    Key sorted = new Key(1, List.of("RO", "access"));
    return store < 0 ? List.of(sorted) : List.of(sorted, new Key(store, List.of("OW", "update")));
  }

  /** SET reads the old value only with GET. */
  private static List<String> setFlags(byte[][] argv) {
    for (int i = 3; i < argv.length; i++) {
      if (Args.is(argv[i], "get")) {
        return List.of("RW", "access", "update");
      }
    }
    return List.of("OW", "update");
  }

  /** BITFIELD is a read unless a SET or INCRBY (or a syntax error) may write. */
  private static List<String> bitfieldFlags(byte[][] argv) {
    for (int i = 2; i < argv.length; i++) {
      int remaining = argv.length - i - 1;
      if (Args.is(argv[i], "get") && remaining >= 2) {
        i += 2;
      } else if (Args.is(argv[i], "overflow") && remaining >= 1) {
        i += 1;
      } else {
        return List.of("RW", "access", "update");
      }
    }
    return List.of("RO", "access");
  }

  private static List<String> flags(RespTree.Aggregate spec) {
    List<String> out = new ArrayList<>();
    for (RespTree t : ((RespTree.Aggregate) spec.get("flags")).items()) {
      out.add(text(t));
    }
    return out;
  }

  private static String text(RespTree t) {
    return ((RespTree.Text) t).value();
  }

  private static int integer(RespTree t) {
    return (int) ((RespTree.Int) t).value();
  }
}
