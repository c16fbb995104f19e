package dev.cairn.cache.tracking;

import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c: the table of keys tracking
 * clients read (key → the ids of the clients that read it), and the BCAST prefixes (prefix → its
 * clients and the keys modified under it since the last broadcast).
 *
 * <p>Like Redis, the table ignores databases (a key read in db 0 is invalidated by a write to the
 * same name in db 1), holds client ids rather than clients (a client that left is skipped when its
 * keys are invalidated), and forgets a key once it is invalidated: the client reads it again to be
 * told again. Keys are ISO-8859-1 strings (one char per byte), so binary keys round-trip and the
 * natural string order is Redis's byte order.
 *
 * <p>Owned by the keyspace thread, like the server.
 */
public final class Tracking {
  /** A BCAST prefix: its clients and the keys modified under it, each with its last writer. */
  private static final class Prefix {
    final Set<Client> clients = new LinkedHashSet<>();
    final TreeMap<String, Client> keys = new TreeMap<>();
  }

  private static final byte[] CHANNEL = bytes("__redis__:invalidate");

  private final Server server;
  private final Map<String, Set<Long>> table = new HashMap<>();
  private final TreeMap<String, Prefix> prefixes = new TreeMap<>();

  /** Keys (null: a flush) the running command invalidated for its own client: sent after it. */
  private final List<String> pending = new ArrayList<>();

  /** Client ids in the table, over all keys (tracking_total_items). */
  private long items;

  private int clients;

  /** The connection whose command runs now (scripts run as their caller), null between. */
  private Client current;

  /**
   * The client running the command now, a script's own client inside a script: the writer BCAST
   * NOLOOP compares with, as Redis records the client that signalled the key, while default-mode
   * NOLOOP compares with {@link #current}.
   */
  private Client executing;

  private long maxKeys = 1_000_000;

  /** Consecutive limit() runs that stayed over the limit: each tries harder, as Redis's. */
  private int overLimitRuns;

  public Tracking(Server server) {
    this.server = server;
  }

  static String name(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** tracking-table-max-keys: 0 = no limit. */
  public void maxKeys(long max) {
    this.maxKeys = max;
  }

  public int clients() {
    return clients;
  }

  public long keys() {
    return table.size();
  }

  public long items() {
    return items;
  }

  public long prefixCount() {
    return prefixes.size();
  }

  public Client current() {
    return current;
  }

  /** Sets the connection whose command runs now; null once it is done. */
  public void current(Client c) {
    current = c;
  }

  public Client executing() {
    return executing;
  }

  /** Sets the client (connection or script) running a command now. */
  public void executing(Client c) {
    executing = c;
  }

  // ---- CLIENT TRACKING ON / OFF ----

  /** Options already checked by {@link TrackingCommands}: turns tracking on (again). */
  void enable(Client c, long redirect, Options o, List<String> newPrefixes) {
    ClientTracking t = c.tracking;
    if (!t.on) {
      clients++;
    }
    t.on = true;
    t.brokenRedirect = false;
    t.bcast = o.bcast();
    t.redirect = redirect;
    t.optin = o.optin();
    t.optout = o.optout();
    t.noloop = o.noloop();
    if (o.bcast()) {
      if (newPrefixes.isEmpty()) {
        addPrefix(c, "");
      }
      for (String p : newPrefixes) {
        addPrefix(c, p);
      }
    }
  }

  private void addPrefix(Client c, String p) {
    if (prefixes.computeIfAbsent(p, k -> new Prefix()).clients.add(c)) {
      c.tracking.prefixes.add(p);
    }
  }

  /** CLIENT TRACKING OFF, RESET and disconnection. */
  public void disable(Client c) {
    ClientTracking t = c.tracking;
    for (String p : t.prefixes) {
      Prefix state = prefixes.get(p);
      if (state != null) {
        state.clients.remove(c);
        if (state.clients.isEmpty()) {
          prefixes.remove(p);
        }
      }
    }
    t.prefixes.clear();
    if (t.on) {
      clients--;
      t.on = t.bcast = t.optin = t.optout = t.noloop = t.caching = t.brokenRedirect = false;
    }
  }

  /** The parsed CLIENT TRACKING ON options that are flags. */
  record Options(boolean bcast, boolean optin, boolean optout, boolean noloop) {}

  // ---- remembering and invalidating keys ----

  /**
   * Whether the running connection tracks in default (not BCAST) mode and OPTIN/OPTOUT let this
   * command through: only then are a read's keys worth computing.
   */
  public boolean remembering() {
    Client c = current;
    return c != null && c.tracking.on && !c.tracking.bcast && c.tracking.remembers();
  }

  /** A read-only command ran: the running connection is told when one of these keys changes. */
  public void remember(byte[][] argv, int[] keyPositions) {
    if (!remembering()) {
      return;
    }
    Client c = current;
    for (int pos : keyPositions) {
      if (table.computeIfAbsent(name(argv[pos]), k -> new LinkedHashSet<>(2)).add(c.id)) {
        items++;
      }
    }
  }

  /** A key was modified (a command, expiry, eviction): Redis's trackingInvalidateKey. */
  public void modified(byte[] key) {
    if (clients == 0 && table.isEmpty()) {
      return;
    }
    invalidate(name(key), true);
  }

  private void invalidate(String key, boolean broadcast) {
    if (broadcast && !prefixes.isEmpty()) {
      for (Map.Entry<String, Prefix> e : prefixes.entrySet()) {
        if (key.startsWith(e.getKey())) {
          e.getValue().keys.put(key, executing);
        }
      }
    }
    Set<Long> ids = table.remove(key);
    if (ids == null) {
      return;
    }
    items -= ids.size();
    for (long id : ids) {
      Client target = server.clients.get(id);
      if (target == null || !target.tracking.on || target.tracking.bcast) {
        continue; // gone, stopped tracking, or switched to BCAST since it read the key
      }
      if (target == current) {
        if (!target.tracking.noloop) {
          pending.add(key); // after the command's reply, not inside it
        }
      } else {
        send(target, List.of(key));
      }
    }
  }

  /**
   * FLUSHDB / FLUSHALL (and a full resync): every tracking client gets one null invalidation
   * ("everything"), and the table is emptied, as Redis's trackingInvalidateKeysOnFlush.
   */
  public void flushed() {
    if (clients > 0) {
      for (Client c : server.clients.all()) {
        if (c.tracking.on) {
          if (c == current) {
            pending.add(null);
          } else {
            send(c, null);
          }
        }
      }
    }
    table.clear();
    items = 0;
  }

  /**
   * After a connection's command (its reply written): the invalidations it caused for itself, then
   * the BCAST messages. {@code c} is the running connection meanwhile, so its output goes out with
   * its reply.
   */
  public void afterCommand(Client c) {
    Client was = current;
    current = c;
    try {
      sendPending(c);
      broadcast();
    } finally {
      current = was;
    }
  }

  private void sendPending(Client c) {
    if (pending.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>(pending); // may hold null (a flush)
    pending.clear();
    for (String k : keys) {
      if (c.tracking.on) {
        send(c, k == null ? null : List.of(k));
      }
    }
  }

  /**
   * Sends each BCAST prefix's modified keys to its clients, one message per prefix, keys in byte
   * order; NOLOOP clients without the keys they wrote themselves. Redis does it once per event loop
   * iteration; here after each command and each expiry cycle.
   */
  public void broadcast() {
    if (clients == 0) {
      return;
    }
    for (Prefix p : prefixes.values()) {
      if (p.keys.isEmpty()) {
        continue;
      }
      List<String> all = List.copyOf(p.keys.keySet());
      for (Client c : List.copyOf(p.clients)) {
        if (c.tracking.noloop) {
          List<String> others = new ArrayList<>();
          p.keys.forEach((k, writer) -> {
            if (writer != c) {
              others.add(k);
            }
          });
          if (!others.isEmpty()) {
            send(c, others);
          }
        } else {
          send(c, all);
        }
      }
      p.keys.clear();
    }
  }

  /**
   * tracking-table-max-keys: over the limit, keys are invalidated (their readers told) until it is
   * met again, with an effort growing while it is not, as Redis's trackingLimitUsedSlots. Runs
   * before each command.
   */
  public void limit() {
    if (maxKeys == 0 || table.size() <= maxKeys) {
      overLimitRuns = 0;
      return;
    }
    int effort = 100 * (overLimitRuns + 1);
    Iterator<String> it = List.copyOf(table.keySet()).iterator();
    while (effort-- > 0 && it.hasNext()) {
      invalidate(it.next(), false);
      if (table.size() <= maxKeys) {
        overLimitRuns = 0;
        return;
      }
    }
    overLimitRuns++;
  }

  /**
   * One invalidation message for {@code c}'s cache ({@code keys} null: everything), to where its
   * invalidations go: a RESP3 push on the connection itself or its redirect target, or a RESP2
   * {@code __redis__:invalidate} message to a redirect target subscribed to it. A RESP2 client
   * without redirect gets nothing (RESP2 cannot push), as in Redis.
   */
  private void send(Client c, List<String> keys) {
    Client to = c;
    ClientTracking t = c.tracking;
    boolean redirected = false;
    if (t.redirect != 0) {
      Client r = server.clients.get(t.redirect);
      if (r == null) {
        t.brokenRedirect = true;
        if (c.reply.resp3()) {
          c.reply.push(2);
          c.reply.bulk("tracking-redir-broken");
          c.reply.integer(t.redirect);
          flushUnlessRunning(c);
        }
        return;
      }
      to = r;
      redirected = true;
    }
    if (to.reply.resp3()) {
      to.reply.push(2);
      to.reply.bulk("invalidate");
    } else if (redirected && to.subscribed()) {
      to.reply.push(3);
      to.reply.bulk("message");
      to.reply.bulk(CHANNEL);
    } else {
      return;
    }
    if (keys == null) {
      to.reply.nullBulk();
    } else {
      to.reply.array(keys.size());
      for (String k : keys) {
        to.reply.bulk(bytes(k));
      }
    }
    flushUnlessRunning(to);
  }

  /** The running connection's output goes out with its reply; any other's now. */
  private void flushUnlessRunning(Client c) {
    if (c != current) {
      c.flush();
    }
  }
}
