package dev.cairn.cache.server;

import dev.cairn.cache.acl.Category;
import java.util.EnumSet;
import java.util.Set;

/**
 * One command's metadata, as in Redis's command table: arity (positive = exact, negative = at
 * least), flags, ACL categories and the key positions (first, last — negative counts from the end —
 * and step; 0 = no keys) plus, for commands that take a key count (ZUNION, LMPOP, SINTERCARD...),
 * the argument index of that count with the keys right after it; for commands whose keys follow a
 * keyword (XREAD ... STREAMS k1 k2 id1 id2), that keyword in lower case, the keys being the first
 * half of what follows its first occurrence; and its running statistics. The ACL categories derived
 * from the flags (@read, @write, @fast/@slow,
 *
 * @admin + @dangerous, @pubsub, @blocking) are added by the table.
 */
public record Command(
    String name,
    int arity,
    Set<Flag> flags,
    Set<Category> categories,
    int firstKey,
    int lastKey,
    int step,
    int keyCountAt,
    String keysAfter,
    int keywordFrom,
    Handler handler,
    CommandStats stats) {

  /** Command flags (Redis's CMD_*). */
  public enum Flag {
    /** Modifies the keyspace. */
    WRITE,
    /** Reads the keyspace only. */
    READONLY,
    /** May grow memory: refused with -OOM when over maxmemory. */
    DENYOOM,
    /** Administrative. */
    ADMIN,
    /** Pub/sub related. */
    PUBSUB,
    /** Refused inside scripts (redis.call): "This Redis command is not allowed from script". */
    NOSCRIPT,
    /** May block the client. */
    BLOCKING,
    /** Not fed to MONITOR by the dispatcher (EVAL and FCALL feed it before their commands). */
    SKIP_MONITOR,
    /** Not logged in SLOWLOG itself (EXEC: the commands it runs are logged instead). */
    SKIP_SLOWLOG,
    /** O(1) or O(log n). */
    FAST,
    /** Allowed before authentication. */
    NO_AUTH,
    /** Not a write but propagated (PUBLISH): refused in read-only scripts like a write. */
    MAY_REPLICATE,
    /** Executed immediately even inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
    TX_CONTROL,
    /** Allowed in RESP2 subscribed mode. */
    SUBSCRIBED_OK,
    /** Served while a script is busy (past busy-reply-threshold); others get -BUSY. */
    ALLOW_BUSY,
    /**
     * Runs a script: the dispatcher lets it be suspended past busy-reply-threshold so the event
     * loop can serve other clients ({@code Scripting#run}); never propagated itself, only its
     * {@code redis.call}s' effects are ({@link #propagatesItself}).
     */
    SCRIPT
  }

  /** Executes one command for a client. */
  @FunctionalInterface
  public interface Handler {
    void handle(Client c, byte[][] argv);
  }

  public boolean has(Flag f) {
    return flags.contains(f);
  }

  /**
   * Whether a run that changed the dataset propagates as this command (or its rewrite): only write
   * commands do. Unit wrappers — EXEC and the script commands — do not: the commands they ran carry
   * the effects, wrapped in MULTI/EXEC when more than one, as Redis 7.0 replicates script effects
   * and never the script.
   */
  public boolean propagatesItself() {
    return has(Flag.WRITE) && !has(Flag.SCRIPT);
  }

  public boolean arityOk(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }

  /** The argument indexes that are keys for this invocation. */
  public int[] keyPositions(byte[][] argv) {
    if (name.equals("sort")) {
      return sortKeys(argv);
    }
    int argc = argv.length;
    int fixed = 0;
    int last = lastKey < 0 ? argc + lastKey : Math.min(lastKey, argc - 1);
    if (firstKey != 0 && argc > firstKey && last >= firstKey) {
      fixed = (last - firstKey) / step + 1;
    }
    int counted = 0;
    if (keyCountAt != 0 && argc > keyCountAt) {
      // a count that is not a number is the command's own error; up to argc keys are checked here
      Long n = Args.tryLong(argv[keyCountAt]);
      counted = n == null ? 0 : (int) Math.max(0, Math.min(n, argc - keyCountAt - 1));
    }
    int keywordAt = keywordPosition(argv);
    int afterKeyword = keywordAt < 0 ? 0 : (argc - keywordAt - 1) / 2;
    int[] out = new int[fixed + counted + afterKeyword];
    for (int i = 0; i < fixed; i++) {
      out[i] = firstKey + i * step;
    }
    for (int i = 0; i < counted; i++) {
      out[fixed + i] = keyCountAt + 1 + i;
    }
    for (int i = 0; i < afterKeyword; i++) {
      out[fixed + counted + i] = keywordAt + 1 + i;
    }
    return out;
  }

  /**
   * Redis's sortGetKeys: the sorted key and STORE's destination (the last STORE given), LIMIT's two
   * arguments and BY's and GET's one skipped — so ACL key patterns apply to the destination.
   */
  private static int[] sortKeys(byte[][] argv) {
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
    return store < 0 ? new int[] {1} : new int[] {1, store};
  }

  /** Where {@link #keysAfter} first occurs from {@link #keywordFrom}, -1 if absent. */
  private int keywordPosition(byte[][] argv) {
    if (keysAfter == null) {
      return -1;
    }
    for (int i = keywordFrom; i < argv.length; i++) {
      if (Args.is(argv[i], keysAfter)) {
        return i;
      }
    }
    return -1;
  }

  static Set<Category> derive(Set<Flag> flags, Set<Category> declared) {
    EnumSet<Category> all = EnumSet.noneOf(Category.class);
    all.addAll(declared);
    if (flags.contains(Flag.WRITE)) {
      all.add(Category.WRITE);
    }
    // as Redis's setImplicitACLCategories: read-only scripts are not @read (their commands are)
    if (flags.contains(Flag.READONLY) && !declared.contains(Category.SCRIPTING)) {
      all.add(Category.READ);
    }
    if (flags.contains(Flag.ADMIN)) {
      all.add(Category.ADMIN);
      all.add(Category.DANGEROUS);
    }
    if (flags.contains(Flag.PUBSUB)) {
      all.add(Category.PUBSUB);
    }
    if (flags.contains(Flag.BLOCKING)) {
      all.add(Category.BLOCKING);
    }
    all.add(flags.contains(Flag.FAST) ? Category.FAST : Category.SLOW);
    return all;
  }
}
