package dev.cairn.cache.db;

import dev.cairn.cache.db.Dict.KeyEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * All databases plus what spans them: the command clock, expiry (lazy through {@link Database},
 * active through {@link #activeExpireCycle}), the LRU/LFU access clock, the memory estimate and
 * eviction under {@code maxmemory}.
 *
 * <p>Time is cached per command ({@link #tick}) as in Redis, so a command sees one "now" and a key
 * cannot expire halfway through it. Changes are reported to {@link Listener} (WATCH, blocked
 * clients, keyspace notifications). Not thread-safe: the keyspace thread owns it; other threads
 * only read counters for metrics (stale values are fine there).
 */
public final class Keyspace {
  /**
   * A point-in-time snapshot in progress: told about every entry that existed when it began, once,
   * just before that entry is first changed or removed, so it can write the entry as it was.
   */
  public interface SnapshotHook {
    void beforeChange(Database db, KeyEntry e);
  }

  /** Receives key changes. */
  public interface Listener {
    void modified(Database db, byte[] key);

    void event(Database db, byte[] key, char type, String event);

    /** The server deleted a key on its own: it expired or was evicted (not a command's change). */
    default void deletedByServer(Database db, byte[] key) {}

    /**
     * A flush (FLUSHDB, FLUSHALL, a full resync) is done: once per flush, however many databases;
     * its keys were reported to {@link #modified} too, while {@link #flushing} was true.
     */
    default void flushed() {}
  }

  /** Redis's LFU_INIT_VAL: new keys start with a small counter so they are not evicted at once. */
  static final int LFU_INIT = 5;

  /** Active expiry: keys sampled per database per loop, and repeat while > 25% were expired. */
  private static final int EXPIRE_SAMPLES = 20;

  private final Database[] dbs;
  private final Listener listener;
  private final List<KeyEntry> changed = new ArrayList<>();
  private final List<Database> dirtyDbs = new ArrayList<>();
  private long now = System.currentTimeMillis();
  private SnapshotHook snapshot;
  private boolean flushing;
  private int epoch;

  /**
   * Every live entry's epoch tag is that of an epoch in [{@code tagFloor}, {@link #epoch}]: entries
   * take the current epoch when created or settled, and {@link #beginSnapshot} re-tags them all
   * before the 7-bit tags could wrap onto a new epoch. (A completed snapshot leaves every entry at
   * its epoch, but an abandoned one does not, so the window is kept for all.)
   */
  private int tagFloor;

  /** Changes since the last successful save (rdb_changes_since_last_save), as Redis's dirty. */
  public long dirty;

  /**
   * Changes commands ever made: counts what {@link #dirty} counts, but a save never resets it, so
   * comparing it around a command tells whether the command wrote (propagation).
   */
  private long changes;

  /** Whether active expiry runs (DEBUG SET-ACTIVE-EXPIRE 0 stops it; lazy expiry goes on). */
  public boolean activeExpire = true;

  /** A replica's keyspace: keys expire only by the primary's DEL (see {@link Database#peek}). */
  public boolean replica;

  /** The primary's stream is being applied (on a replica): due keys are still there for it. */
  public boolean fromPrimary;

  public long hits;
  public long misses;
  public long expired;
  public long evicted;
  private EvictionPolicy policy = EvictionPolicy.NOEVICTION;
  private int lfuLogFactor = 10;
  private int lfuDecayMinutes = 1;

  public Keyspace(int databases, Listener listener) {
    this.listener = listener;
    dbs = new Database[databases];
    for (int i = 0; i < databases; i++) {
      dbs[i] = new Database(i, this);
    }
  }

  public Database db(int i) {
    return dbs[i];
  }

  public int count() {
    return dbs.length;
  }

  public long now() {
    return now;
  }

  /** Advances the cached clock; called before each command and timer. */
  public void tick() {
    now = System.currentTimeMillis();
  }

  public void policy(EvictionPolicy policy, int lfuLogFactor, int lfuDecayMinutes) {
    this.policy = policy;
    this.lfuLogFactor = lfuLogFactor;
    this.lfuDecayMinutes = lfuDecayMinutes;
  }

  public EvictionPolicy policy() {
    return policy;
  }

  /** Estimated bytes held by the data of every database. */
  public long usedMemory() {
    long sum = 0;
    for (Database db : dbs) {
      sum += db.bytes();
    }
    return sum;
  }

  public long keys() {
    long n = 0;
    for (Database db : dbs) {
      n += db.size();
    }
    return n;
  }

  /** Counts {@code n} changes made by a command. */
  void count(long n) {
    dirty += n;
    changes += n;
  }

  public long changes() {
    return changes;
  }

  // ---- point-in-time snapshots ----

  /**
   * Starts a snapshot: every entry present now becomes unsettled (a new epoch) and {@code hook}
   * hears of each one before its first change. Returns the snapshot's epoch.
   */
  public int beginSnapshot(SnapshotHook hook) {
    if (snapshot != null) {
      throw new IllegalStateException("a snapshot is already running");
    }
    if (epoch + 1 - tagFloor >= 128) {
      retagAll();
    }
    snapshot = hook;
    return ++epoch;
  }

  /**
   * Tags every live entry with the current epoch, so the next one's tag is new to all of them: one
   * walk of the keyspace every 127 snapshots, on the keyspace thread (a few ms per million keys).
   */
  private void retagAll() {
    for (Database db : dbs) {
      for (Dict.Entry e : db.keys) {
        ((KeyEntry) e).epochTag(epoch & 0x7F);
      }
    }
    tagFloor = epoch;
  }

  /** Whether a snapshot (BGSAVE, an AOF rewrite) is running: there is one at a time. */
  public boolean snapshotRunning() {
    return snapshot != null;
  }

  /** Ends the running snapshot (completed, or abandoned). */
  public void endSnapshot() {
    snapshot = null;
  }

  /** Settles {@code e} for the running snapshot; true if it was not settled yet. */
  public boolean settleForSnapshot(KeyEntry e) {
    if (e.epochTag() == (epoch & 0x7F)) {
      return false;
    }
    e.epochTag(epoch & 0x7F);
    return true;
  }

  /** A new entry: settled for the running snapshot, if any, which must not write it. */
  void bornSettled(KeyEntry e) {
    e.epochTag(epoch & 0x7F);
  }

  void beforeChange(Database db, KeyEntry e) {
    if (snapshot != null && settleForSnapshot(e)) {
      snapshot.beforeChange(db, e);
    }
  }

  /** Before a whole database is dropped or swapped: the snapshot takes what it has not yet. */
  private void beforeDatabaseChange(Database db) {
    if (snapshot != null) {
      for (Dict.Entry e : db.keys) {
        beforeChange(db, (KeyEntry) e);
      }
    }
  }

  void modified(Database db, KeyEntry e) {
    count(1);
    touched(db, e);
  }

  /**
   * A key changed without a command changing it (expiry, eviction): WATCH, blocked clients and the
   * memory estimate hear of it, but it is not counted in {@link #dirty}, as in Redis, so it neither
   * triggers save rules nor makes the running command look like a write.
   */
  void touched(Database db, KeyEntry e) {
    changed.add(e);
    dirtyDbs.add(db);
    listener.modified(db, e.key);
  }

  void changedQuietly(Database db, KeyEntry e) {
    // Counted like any change: saves, and propagation (a group created is an effect to replay).
    count(1);
    changed.add(e);
    dirtyDbs.add(db);
  }

  /** Re-measures the keys changed by the last command; returns them for notifications. */
  public void settle() {
    for (int i = 0; i < changed.size(); i++) {
      dirtyDbs.get(i).remeasure(changed.get(i));
    }
    changed.clear();
    dirtyDbs.clear();
  }

  public void notify(Database db, byte[] key, char type, String event) {
    listener.event(db, key, type, event);
  }

  void removed(Database db, KeyEntry e) {}

  void expireKey(Database db, KeyEntry e) {
    db.drop(e);
    expired++;
    listener.event(db, e.key, 'x', "expired");
    listener.deletedByServer(db, e.key);
  }

  void notifyNew(Database db, KeyEntry e) {
    listener.event(db, e.key, 'n', "new");
  }

  void notifyExpired(Database db, KeyEntry e) {
    expired++;
    listener.event(db, e.key, 'x', "expired");
    listener.deletedByServer(db, e.key);
  }

  // ---- access clock (LRU seconds or LFU counter) ----

  private int lruClock() {
    return (int) ((now / 1000) & 0xFFFFFF);
  }

  private int lfuMinutes() {
    return (int) ((now / 60000) & 0xFFFF);
  }

  void initClock(KeyEntry e) {
    e.lru(policy.lfu() ? (lfuMinutes() << 8) | LFU_INIT : lruClock());
  }

  void touch(KeyEntry e) {
    if (policy.lfu()) {
      int counter = lfuDecrAndReturn(e);
      counter = lfuLogIncr(counter);
      e.lru((lfuMinutes() << 8) | counter);
    } else {
      e.lru(lruClock());
    }
  }

  /**
   * Sets an entry's access clock from saved values (RDB IDLE/FREQ, RESTORE IDLETIME/FREQ): an idle
   * time in seconds or an LFU counter; -1 leaves that one as a new key's.
   */
  public void restoreClock(KeyEntry e, long idleSeconds, int frequency) {
    initClock(e);
    if (policy.lfu() && frequency >= 0) {
      e.lru((lfuMinutes() << 8) | Math.min(frequency, 255));
    } else if (!policy.lfu() && idleSeconds >= 0) {
      e.lru((int) ((lruClock() - idleSeconds) & 0xFFFFFF));
    }
  }

  /** The idle time in ms (OBJECT IDLETIME, LRU eviction). */
  public long idleMillis(KeyEntry e) {
    int clock = lruClock();
    int lru = e.lru();
    long idle = clock >= lru ? clock - lru : (0xFFFFFF - lru) + clock;
    return idle * 1000;
  }

  /** The decayed LFU counter (OBJECT FREQ). */
  public int lfuDecrAndReturn(KeyEntry e) {
    int ldt = (e.lru() >>> 8) & 0xFFFF;
    int counter = e.lru() & 0xFF;
    int nowMin = lfuMinutes();
    int elapsed = nowMin >= ldt ? nowMin - ldt : 65535 - ldt + nowMin;
    int periods = lfuDecayMinutes > 0 ? elapsed / lfuDecayMinutes : 0;
    return periods > counter ? 0 : counter - periods;
  }

  private int lfuLogIncr(int counter) {
    if (counter == 255) {
      return 255;
    }
    double r = ThreadLocalRandom.current().nextDouble();
    double base = Math.max(0, counter - LFU_INIT);
    double p = 1.0 / (base * lfuLogFactor + 1);
    return r < p ? counter + 1 : counter;
  }

  // ---- active expiry ----

  /**
   * One active expiry cycle, as Redis's: per database sample up to 20 keys with a TTL, delete the
   * expired ones, and repeat while more than a quarter of a sample was expired, within a time
   * budget so the keyspace thread never stalls.
   */
  public void activeExpireCycle(long budgetMillis) {
    if (!activeExpire || replica) {
      return;
    }
    tick();
    long deadline = System.nanoTime() + budgetMillis * 1_000_000;
    for (Database db : dbs) {
      while (db.expires.size() > 0) {
        int sampled = 0;
        int expiredNow = 0;
        int n = Math.min(EXPIRE_SAMPLES, db.expires.size());
        for (int i = 0; i < n; i++) {
          Dict.Entry x = db.expires.random();
          if (x == null) {
            break;
          }
          KeyEntry e = (KeyEntry) x.value;
          sampled++;
          if (e.expireAt <= now) {
            expireKey(db, e);
            expiredNow++;
          }
        }
        settle();
        if (sampled == 0 || expiredNow * 4 <= sampled || System.nanoTime() > deadline) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        return;
      }
    }
  }

  // ---- eviction ----

  /** What an eviction pass achieved. */
  public enum Eviction {
    /** Memory is within the limit. */
    FITS,
    /** Still over the limit when the pass ran out of time; evicting goes on. */
    RUNNING,
    /** Over the limit with nothing (more) to evict: the policy or the keys allow none. */
    FAILED
  }

  /**
   * Evicts keys until the estimate is at most {@code maxmemory}: per round, samples {@code samples}
   * candidates from every database (all keys or only those with a TTL, per policy) and evicts the
   * best one, as Redis's approximated LRU/LFU/TTL. Like Redis's performEvictions, a pass stops
   * after {@code timeLimitNanos} (checked every 16 keys) so one command never stalls the server for
   * a large eviction; the caller runs further passes.
   */
  public Eviction evictUntil(long maxmemory, int samples, long timeLimitNanos) {
    if (usedMemory() <= maxmemory) {
      return Eviction.FITS;
    }
    long start = System.nanoTime();
    int freed = 0;
    while (usedMemory() > maxmemory) {
      if (policy == EvictionPolicy.NOEVICTION) {
        return Eviction.FAILED;
      }
      Database bestDb = null;
      KeyEntry best = null;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (Database db : dbs) {
        Dict pool = policy.volatileOnly() ? db.expires : db.keys;
        for (int i = 0; i < samples && pool.size() > 0; i++) {
          Dict.Entry x = pool.random();
          KeyEntry e = policy.volatileOnly() ? (KeyEntry) x.value : (KeyEntry) x;
          double score =
              switch (policy) {
                case ALLKEYS_LRU, VOLATILE_LRU -> idleMillis(e);
                case ALLKEYS_LFU, VOLATILE_LFU -> 255 - lfuDecrAndReturn(e);
                case VOLATILE_TTL -> -(double) e.expireAt;
                default -> ThreadLocalRandom.current().nextDouble();
              };
          if (score > bestScore) {
            bestScore = score;
            best = e;
            bestDb = db;
          }
          if (policy.random()) {
            break;
          }
        }
      }
      if (best == null) {
        return Eviction.FAILED;
      }
      bestDb.drop(best);
      evicted++;
      listener.event(bestDb, best.key, 'e', "evicted");
      listener.deletedByServer(bestDb, best.key);
      settle();
      if (++freed % 16 == 0 && System.nanoTime() - start > timeLimitNanos) {
        return usedMemory() > maxmemory ? Eviction.RUNNING : Eviction.FITS;
      }
    }
    return Eviction.FITS;
  }

  /** Empties one database (FLUSHDB). */
  public void flush(Database db) {
    empty(db);
    listener.flushed();
  }

  /** Empties every database (FLUSHALL, DEBUG RELOAD, a replica's full resync). */
  public void flushAll() {
    for (Database db : dbs) {
      empty(db);
    }
    listener.flushed();
  }

  private void empty(Database db) {
    beforeDatabaseChange(db);
    count(db.size());
    flushing = true;
    try {
      for (Dict.Entry e : db.keys) {
        listener.modified(db, e.key);
      }
    } finally {
      flushing = false;
    }
    db.clear();
  }

  /**
   * Whether the keys being reported as modified are a flush's: WATCH and blocked clients hear of
   * each, client-side caching only of the flush as a whole (Redis's null invalidation).
   */
  public boolean flushing() {
    return flushing;
  }

  public void swap(int a, int b) {
    count(1);
    beforeDatabaseChange(dbs[a]);
    beforeDatabaseChange(dbs[b]);
    dbs[a].swapWith(dbs[b]);
  }
}
