package dev.cairn.coord.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sessions and their expiry, in tick buckets as ZooKeeper's {@code ExpiryQueue}: a session
 * expires at {@code now + timeout} rounded up to the next multiple of {@code tickTime}, so all
 * sessions of one bucket expire together and touching a session only moves it when its bucket
 * changes. The expiry thread wakes once per bucket and hands each expired session, already marked
 * closing, to the expirer (which submits its closeSession txn).
 *
 * <p>Session ids are ZooKeeper's shape: the server id in the top byte and the wall clock at
 * start-up in the next 40 bits, so ids never repeat across restarts; then a counter.
 *
 * <p>Thread-safety: all methods are safe from any thread.
 */
public final class SessionTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionTracker.class);

  /** Session ids carry the id of the server that created them in their top byte. */
  private static final int SERVER_ID_SHIFT = 56;

  private final int tickTime;
  private final LongSupplier clock;
  private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
  private final TreeMap<Long, Set<Session>> buckets = new TreeMap<>();
  private long nextId;
  private Thread thread;
  private volatile boolean running;
  private volatile boolean expiring = true;
  private final Set<Long> touched = ConcurrentHashMap.newKeySet();

  public SessionTracker(int tickTime, long serverId, LongSupplier clock) {
    this.tickTime = tickTime;
    this.clock = clock;
    this.nextId = ((clock.getAsLong() << 24) >>> 8) | (serverId << SERVER_ID_SHIFT);
  }

  /**
   * Starts the expiry thread. Its death is handed to {@code onDeath}: the sessions it had marked
   * closing would never be closed, their ephemerals never deleted.
   */
  public void start(Consumer<Session> expirer, Thread.UncaughtExceptionHandler onDeath) {
    running = true;
    thread = new Thread(() -> run(expirer), "coord-session-expiry");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
    thread.start();
  }

  /** A new session with a fresh id. */
  public synchronized Session create(int timeout) {
    long id = nextId++;
    return add(id, timeout);
  }

  /** Registers a session (new, or restored from disk) and starts its expiry clock. */
  public synchronized Session add(long id, int timeout) {
    Session s = sessions.computeIfAbsent(id, i -> new Session(i, timeout));
    // Only an id from this server's own range moves the next one: in an ensemble each server
    // creates ids under its own server id, and following another server's ids would hand the
    // same id to two clients.
    if (id >= nextId && id >>> SERVER_ID_SHIFT == nextId >>> SERVER_ID_SHIFT) {
      nextId = id + 1;
    }
    touchLocked(s);
    return s;
  }

  public Session get(long id) {
    return sessions.get(id);
  }

  public Collection<Session> sessions() {
    return sessions.values();
  }

  /**
   * Id → timeout of every session (closing ones included, as their closeSession txn may not be
   * applied yet): what a snapshot stores, ZooKeeper's {@code getSessionWithTimeOuts}.
   */
  public Map<Long, Integer> timeouts() {
    Map<Long, Integer> out = new HashMap<>();
    for (Session s : sessions.values()) {
      out.put(s.id(), s.timeout());
    }
    return out;
  }

  /**
   * In an ensemble only the leader expires sessions; other servers keep them and report their
   * clients' activity to it ({@link #drainTouched}). Turning expiry on gives every session a full
   * timeout from now, as a new ZooKeeper leader does.
   */
  public synchronized void expiring(boolean on) {
    if (on && !expiring) {
      for (Session s : sessions.values()) {
        touchLocked(s);
      }
    }
    expiring = on;
    notifyAll();
  }

  /** The ids of sessions touched since the last call, while this server does not expire them. */
  public long[] drainTouched() {
    long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
    for (long id : ids) {
      touched.remove(id);
    }
    return ids;
  }

  /** Pushes a session's expiry out by id (a learner reported its client alive). */
  public void touch(long id) {
    Session s = sessions.get(id);
    if (s != null) {
      touch(s);
    }
  }

  /** Pushes the session's expiry out; false when it is closing or gone. */
  public boolean touch(Session s) {
    if (!expiring) {
      touched.add(s.id());
    }
    // Most touches land in the bucket the session is already in: no lock needed for those.
    if (!s.closing() && roundUp(clock.getAsLong() + s.timeout()) == s.expiresAt) {
      return true;
    }
    return touchLocked(s);
  }

  private synchronized boolean touchLocked(Session s) {
    if (s.closing() || sessions.get(s.id()) != s) {
      return false;
    }
    long expires = roundUp(clock.getAsLong() + s.timeout());
    if (expires == s.expiresAt) {
      return true;
    }
    remove(s.expiresAt, s);
    s.expiresAt = expires;
    buckets.computeIfAbsent(expires, e -> new HashSet<>()).add(s);
    notifyAll();
    return true;
  }

  /**
   * Replaces every session with a snapshot's (an ensemble learner synced by snapshot); their expiry
   * starts over from now.
   */
  public synchronized void replaceAll(Map<Long, Integer> replacement) {
    for (Long id : List.copyOf(sessions.keySet())) {
      removeSession(id);
    }
    replacement.forEach(this::add);
  }

  /** Marks the session closing (closeSession from the client); false if it already was. */
  public synchronized boolean markClosing(long id) {
    Session s = sessions.get(id);
    if (s == null || s.closing()) {
      return false;
    }
    s.markClosing();
    remove(s.expiresAt, s);
    return true;
  }

  /** Forgets the session once its closeSession txn is applied. */
  public synchronized void removeSession(long id) {
    Session s = sessions.remove(id);
    if (s != null) {
      s.markClosing();
      remove(s.expiresAt, s);
    }
  }

  private void remove(long bucket, Session s) {
    Set<Session> set = buckets.get(bucket);
    if (set != null) {
      set.remove(s);
      if (set.isEmpty()) {
        buckets.remove(bucket);
      }
    }
  }

  private long roundUp(long time) {
    return (time / tickTime + 1) * tickTime;
  }

  private void run(Consumer<Session> expirer) {
    while (running) {
      List<Session> expired = new ArrayList<>();
      synchronized (this) {
        long now = clock.getAsLong();
        Map.Entry<Long, Set<Session>> first = buckets.firstEntry();
        if (!expiring || first == null || first.getKey() > now) {
          long wait = !expiring || first == null ? tickTime : first.getKey() - now;
          try {
            wait(Math.max(1, wait));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        buckets.pollFirstEntry();
        for (Session s : first.getValue()) {
          s.markClosing();
          expired.add(s);
        }
      }
      for (Session s : expired) {
        log.info("session 0x{} expired after {} ms", Long.toHexString(s.id()), s.timeout());
        expirer.accept(s);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
