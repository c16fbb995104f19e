package dev.cairn.cache.server;

import dev.cairn.cache.db.Database;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * MULTI/EXEC and WATCH across clients: which clients WATCH a key (marked dirty when it changes),
 * EXEC running a queue, and whether a transaction is executing now. A client's own queue and flags
 * stay on its {@link Client}, read by the dispatcher on every command.
 */
public final class Transactions {
  private final Server server;
  private final Map<WatchKey, List<Client>> watchers = new HashMap<>();

  /**
   * EXEC is running a queue, or a command is replayed: a blocking command answers at once instead
   * of waiting.
   */
  private boolean executing;

  /** A key some client WATCHes. */
  private record WatchKey(int db, String key) {}

  Transactions(Server server) {
    this.server = server;
  }

  /** Whether EXEC is running a transaction's commands now. */
  public boolean executing() {
    return executing;
  }

  void executing(boolean executing) {
    this.executing = executing;
  }

  void begin(Client c) {
    c.multi = new ArrayList<>();
  }

  /** Ends c's transaction without running it (DISCARD, RESET, an EXEC refused). */
  void discard(Client c) {
    c.multi = null;
    c.multiError = false;
    unwatchAll(c);
  }

  /**
   * Whether a command queued in c's transaction satisfies {@code test}: an EXEC is checked as the
   * commands it would run (writes, denyoom, stale data, pause).
   */
  boolean anyQueued(Client c, BiPredicate<Command, byte[][]> test) {
    if (c.multi == null) {
      return false;
    }
    for (byte[][] argv : c.multi) {
      Command queued = server.commands.lookup(argv[0]);
      if (queued != null && test.test(queued, argv)) {
        return true;
      }
    }
    return false;
  }

  void exec(Client c) {
    List<byte[][]> queue = c.multi;
    c.multi = null;
    if (c.multiError) {
      c.multiError = false;
      unwatchAll(c);
      throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
    }
    if (c.dirtyCas || watchedKeyExpired(c)) {
      unwatchAll(c);
      c.reply.nullArray();
      return;
    }
    unwatchAll(c);
    c.reply.array(queue.size());
    executing = true;
    try {
      for (byte[][] argv : queue) {
        Command cmd = server.commands.lookup(argv[0]);
        String denied = server.aclDenied(c, c.user, cmd, argv, "multi");
        if (denied != null) {
          c.reply.error(denied);
          continue;
        }
        server.call(c, cmd, argv);
      }
    } finally {
      executing = false;
    }
  }

  private boolean watchedKeyExpired(Client c) {
    long now = server.keyspace.now();
    for (Client.Watch w : c.watched) {
      if (w.expireAtWatch() != 0 && w.expireAtWatch() <= now) {
        return true;
      }
    }
    return false;
  }

  void watch(Client c, byte[] key) {
    WatchKey wk = new WatchKey(c.db.id, new String(key, StandardCharsets.ISO_8859_1));
    for (Client.Watch w : c.watched) {
      if (w.db() == c.db && Arrays.equals(w.key(), key)) {
        return;
      }
    }
    var e = c.db.peek(key);
    c.watched.add(new Client.Watch(c.db, key, e == null ? 0 : e.expireAt));
    watchers.computeIfAbsent(wk, k -> new ArrayList<>()).add(c);
  }

  void unwatchAll(Client c) {
    for (Client.Watch w : c.watched) {
      WatchKey wk = new WatchKey(w.db().id, new String(w.key(), StandardCharsets.ISO_8859_1));
      List<Client> list = watchers.get(wk);
      if (list != null) {
        list.remove(c);
        if (list.isEmpty()) {
          watchers.remove(wk);
        }
      }
    }
    c.watched.clear();
    c.dirtyCas = false;
  }

  /** A key changed: the clients WATCHing it will have their EXEC fail. */
  void touched(Database db, byte[] key) {
    if (!watchers.isEmpty()) {
      List<Client> list =
          watchers.get(new WatchKey(db.id, new String(key, StandardCharsets.ISO_8859_1)));
      if (list != null) {
        for (Client w : list) {
          w.dirtyCas = true;
        }
      }
    }
  }

  /** Marks every WATCHer of a database dirty, or of all databases if {@code dbId} is negative. */
  public void touchAll(int dbId) {
    watchers.forEach((k, list) -> {
      if (k.db() == dbId || dbId < 0) {
        list.forEach(w -> w.dirtyCas = true);
      }
    });
  }
}
