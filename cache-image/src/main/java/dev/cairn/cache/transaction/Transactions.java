package dev.cairn.cache.transaction;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Command;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.server.Server;
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
 * are its {@link ClientTransaction}, read by the dispatcher on every command.
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

  public Transactions(Server server) {
    this.server = server;
  }

  /** Whether EXEC is running a transaction's commands now. */
  public boolean executing() {
    return executing;
  }

  /** Sets whether commands run as inside EXEC (a command replayed from a log runs so). */
  public void executing(boolean executing) {
    this.executing = executing;
  }

  public void begin(Client c) {
    c.transaction.queue = new ArrayList<>();
  }

  /** Ends c's transaction without running it (DISCARD, RESET, an EXEC refused). */
  public void discard(Client c) {
    ClientTransaction t = c.transaction;
    t.queue = null;
    t.queueingFailed = false;
    unwatchAll(c);
  }

  /**
   * Whether a command queued in c's transaction satisfies {@code test}: an EXEC is checked as the
   * commands it would run (writes, denyoom, stale data, pause).
   */
  public boolean anyQueued(Client c, BiPredicate<Command, byte[][]> test) {
    List<byte[][]> queue = c.transaction.queue;
    if (queue == null) {
      return false;
    }
    for (byte[][] argv : queue) {
      Command queued = server.commands.lookup(argv[0]);
      if (queued != null && test.test(queued, argv)) {
        return true;
      }
    }
    return false;
  }

  public void exec(Client c) {
    ClientTransaction t = c.transaction;
    List<byte[][]> queue = t.queue;
    t.queue = null;
    if (t.queueingFailed) {
      t.queueingFailed = false;
      unwatchAll(c);
      throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
    }
    if (t.dirty || watchedKeyExpired(t)) {
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
        String denied = server.aclDenied(c, c.user(), cmd, argv, "multi");
        if (denied != null) {
          c.reply.error(denied);
          continue;
        }
        c.call(cmd, argv);
      }
    } finally {
      executing = false;
    }
  }

  private boolean watchedKeyExpired(ClientTransaction t) {
    long now = server.keyspace.now();
    for (ClientTransaction.Watch w : t.watched) {
      if (w.expireAtWatch() != 0 && w.expireAtWatch() <= now) {
        return true;
      }
    }
    return false;
  }

  public void watch(Client c, byte[] key) {
    Database db = c.db();
    WatchKey wk = new WatchKey(db.id, new String(key, StandardCharsets.ISO_8859_1));
    ClientTransaction t = c.transaction;
    for (ClientTransaction.Watch w : t.watched) {
      if (w.db() == db && Arrays.equals(w.key(), key)) {
        return;
      }
    }
    var e = db.peek(key);
    t.watched.add(new ClientTransaction.Watch(db, key, e == null ? 0 : e.expireAt));
    watchers.computeIfAbsent(wk, k -> new ArrayList<>()).add(c);
  }

  public void unwatchAll(Client c) {
    ClientTransaction t = c.transaction;
    for (ClientTransaction.Watch w : t.watched) {
      WatchKey wk = new WatchKey(w.db().id, new String(w.key(), StandardCharsets.ISO_8859_1));
      List<Client> list = watchers.get(wk);
      if (list != null) {
        list.remove(c);
        if (list.isEmpty()) {
          watchers.remove(wk);
        }
      }
    }
    t.watched.clear();
    t.dirty = false;
  }

  /** A key changed: the clients WATCHing it will have their EXEC fail. */
  public void touched(Database db, byte[] key) {
    if (!watchers.isEmpty()) {
      List<Client> list =
          watchers.get(new WatchKey(db.id, new String(key, StandardCharsets.ISO_8859_1)));
      if (list != null) {
        for (Client w : list) {
          w.transaction.dirty = true;
        }
      }
    }
  }

  /** Marks every WATCHer of a database dirty, or of all databases if {@code dbId} is negative. */
  public void touchAll(int dbId) {
    watchers.forEach((k, list) -> {
      if (k.db() == dbId || dbId < 0) {
        list.forEach(w -> w.transaction.dirty = true);
      }
    });
  }
}
