package dev.cairn.cache.server;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked in BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN/MAX, BZMPOP, XREAD and XREADGROUP.
 *
 * <p>As Redis 7: a blocked client waits on keys in FIFO order per key; when a write touches a key
 * someone waits on, the key is marked ready, and after the writing command completes each waiting
 * client's command is run again in arrival order. If it finds data it replies and unblocks; if not
 * (another client took it), it stays blocked. A timer answers null when the timeout passes. A
 * blocked client's further input stays buffered until it is unblocked.
 */
final class Blocking {
  private record Key(int db, String key) {}

  private final Server server;
  private final Map<Key, ArrayDeque<Client>> waiting = new HashMap<>();
  private final LinkedHashSet<Key> ready = new LinkedHashSet<>();
  private boolean reblocked;

  Blocking(Server server) {
    this.server = server;
  }

  boolean hasWaiters() {
    return !waiting.isEmpty();
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  /** Blocked clients now (read by metrics from another thread). */
  int blockedCount() {
    return blockedCount;
  }

  private volatile int blockedCount;

  private static Key key(Database db, byte[] key) {
    return new Key(db.id, new String(key, StandardCharsets.ISO_8859_1));
  }

  void block(Client c, List<byte[]> keys, long timeoutMillis, byte[][] retryArgv) {
    if (c.retrying) {
      reblocked = true;
      return;
    }
    c.blockedArgv = retryArgv != null ? retryArgv : currentArgv;
    c.blockedCommand = currentCommand;
    c.blockedKeys = keys;
    c.blockedDb = c.db;
    blockedCount++;
    for (byte[] k : keys) {
      waiting.computeIfAbsent(key(c.db, k), x -> new ArrayDeque<>()).add(c);
    }
    if (timeoutMillis > 0) {
      c.blockTimer =
          c.channel
              .eventLoop()
              .schedule(
                  () -> {
                    if (c.blocked() && !c.closed) {
                      unblock(c);
                      c.reply.nullArray();
                      c.flush();
                      c.resume();
                    }
                  },
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
    }
  }

  private byte[][] currentArgv;
  private Command currentCommand;

  /** Records the command about to run, so a handler that blocks can be retried later. */
  void current(Command cmd, byte[][] argv) {
    currentCommand = cmd;
    currentArgv = argv;
  }

  void unblock(Client c) {
    if (!c.blocked()) {
      return;
    }
    for (byte[] k : c.blockedKeys) {
      Key key = key(c.blockedDb, k);
      ArrayDeque<Client> q = waiting.get(key);
      if (q != null) {
        q.remove(c);
        if (q.isEmpty()) {
          waiting.remove(key);
        }
      }
    }
    if (c.blockTimer != null) {
      c.blockTimer.cancel(false);
      c.blockTimer = null;
    }
    blockedCount--;
    c.argv = null; // served, timed out or unblocked: no command held any more (CLIENT LIST)
    c.blockedArgv = null;
    c.blockedCommand = null;
    c.blockedKeys = null;
    c.blockedDb = null;
  }

  void signal(Database db, byte[] key) {
    Key k = key(db, key);
    if (waiting.containsKey(k)) {
      ready.add(k);
    }
  }

  /**
   * After SWAPDB: every key someone waits on in this database that now holds a value is ready, as
   * Redis's scanDatabaseForReadyKeys, and so is one an XREADGROUP waits on whatever it holds now
   * (scanDatabaseForDeletedStreams: a stream swapped away fails its group's readers).
   */
  void signalExisting(Database db) {
    for (Map.Entry<Key, ArrayDeque<Client>> w : List.copyOf(waiting.entrySet())) {
      Key k = w.getKey();
      if (k.db() == db.id
          && (db.peek(k.key().getBytes(StandardCharsets.ISO_8859_1)) != null
              || w.getValue().stream()
                  .anyMatch(c -> c.blockedCommand.name().equals("xreadgroup")))) {
        ready.add(k);
      }
    }
  }

  /**
   * Whether a client blocked in this command is served from a key holding this value: Redis serves
   * a ready key only to the clients blocked for its type (a list pushed then replaced by a set in
   * one MULTI leaves BLPOP blocked, without an error).
   */
  private static boolean waitsFor(Command cmd, KeyEntry e) {
    if (e == null) {
      return true; // retried as before: the command finds nothing and stays blocked
    }
    return switch (cmd.name()) {
      case "bzpopmin", "bzpopmax", "bzmpop" -> e.value instanceof ZSet;
      case "xread" -> e.value instanceof Stream;
      // a key no longer a stream took the group with it: the retry fails the client, as Redis's
      // unblockDeletedStreamReadgroupClients
      case "xreadgroup" -> true;
      default -> e.value instanceof ListValue;
    };
  }

  /** Retries the commands of clients waiting on ready keys until no key is ready. */
  void serveReady() {
    int rounds = 0;
    while (!ready.isEmpty() && rounds++ < 100_000) {
      Iterator<Key> it = ready.iterator();
      Key k = it.next();
      it.remove();
      ArrayDeque<Client> q = waiting.get(k);
      if (q == null) {
        continue;
      }
      Database db = server.keyspace.db(k.db());
      for (Client c : new ArrayList<>(q)) {
        if (!c.blocked()
            || !waitsFor(
                c.blockedCommand, db.peek(k.key().getBytes(StandardCharsets.ISO_8859_1)))) {
          continue;
        }
        server.keyspace.tick();
        reblocked = false;
        c.retrying = true;
        try {
          current(c.blockedCommand, c.blockedArgv);
          server.call(c, c.blockedCommand, c.blockedArgv);
        } finally {
          c.retrying = false;
        }
        if (!reblocked) {
          unblock(c);
          c.flush();
          c.resume();
        }
      }
    }
  }
}
