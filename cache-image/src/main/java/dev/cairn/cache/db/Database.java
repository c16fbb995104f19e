package dev.cairn.cache.db;

import dev.cairn.cache.db.Dict.KeyEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * One of the numbered databases (SELECT n): the key dict and, like Redis, a second dict holding
 * only the keys with a time to live so expiry sampling and the volatile eviction policies look at
 * those alone.
 *
 * <p>Reads go through {@link #lookupRead} / {@link #lookupWrite}, which expire the key first if its
 * time has passed (lazy expiry) and touch the access clock. Writes report to the {@link Keyspace}
 * (memory estimate, WATCH, blocked clients, notifications). Not thread-safe: owned by the keyspace
 * thread.
 */
public final class Database {
  public final int id;
  final Keyspace keyspace;
  Dict keys = new Dict(Dict.Kind.KEYSPACE);
  Dict expires = new Dict(Dict.Kind.INDEX);
  long bytes;
  long avgTtlSum;

  Database(int id, Keyspace keyspace) {
    this.id = id;
    this.keyspace = keyspace;
  }

  public int size() {
    return keys.size();
  }

  public int expiresCount() {
    return expires.size();
  }

  public Dict keys() {
    return keys;
  }

  public Dict expires() {
    return expires;
  }

  public long bytes() {
    return bytes + keys.bytes() + expires.bytes();
  }

  /**
   * The live entry for key, expiring it first if due; no access bookkeeping. A replica deletes
   * nothing on its own (its primary's DEL does): a due key is only hidden, except from the
   * primary's own commands, which must find what the primary found.
   */
  public KeyEntry peek(byte[] key) {
    KeyEntry e = (KeyEntry) keys.find(key);
    if (e != null && e.expireAt != 0 && e.expireAt <= keyspace.now()) {
      if (keyspace.replica) {
        return keyspace.fromPrimary ? e : null;
      }
      keyspace.expireKey(this, e);
      return null;
    }
    return e;
  }

  /** A read: expires if due, counts hit/miss, touches the LRU/LFU clock. */
  public KeyEntry lookupRead(byte[] key) {
    KeyEntry e = peek(key);
    if (e == null) {
      keyspace.misses++;
    } else {
      keyspace.hits++;
      keyspace.touch(e);
    }
    return e;
  }

  /**
   * A read that leaves the LRU/LFU clock alone, as Redis's LOOKUP_NOTOUCH (EXISTS, TTL and its
   * kin): OBJECT IDLETIME is not reset by asking about a key.
   */
  public KeyEntry lookupReadNoTouch(byte[] key) {
    KeyEntry e = peek(key);
    if (e == null) {
      keyspace.misses++;
    } else {
      keyspace.hits++;
    }
    return e;
  }

  /** Resets a live entry's LRU/LFU clock without changing it (Redis's lookupKeyWrite). */
  public void touch(KeyEntry e) {
    keyspace.touch(e);
  }

  /** A lookup before modifying the value in place: marks the key modified. */
  public KeyEntry lookupWrite(byte[] key) {
    KeyEntry e = peek(key);
    if (e != null) {
      keyspace.beforeChange(this, e);
      keyspace.touch(e);
      keyspace.modified(this, e);
    }
    return e;
  }

  /**
   * A lookup for a write that may change nothing (SETBIT or BITFIELD writing the bits already
   * there): resets the LRU/LFU clock, as Redis's lookupKeyWrite, but leaves marking the key
   * modified to the caller's {@link #set}, so an unchanged key fails no WATCH and counts no change.
   */
  public KeyEntry lookupMaybeWrite(byte[] key) {
    KeyEntry e = peek(key);
    if (e != null) {
      keyspace.touch(e);
    }
    return e;
  }

  /**
   * A lookup before a change Redis does not signal (a stream's consumer groups and pending
   * entries): a snapshot in progress still takes the value first and the change counts for saves,
   * but WATCHers and blocked clients are not told.
   */
  public KeyEntry lookupWriteQuiet(byte[] key) {
    KeyEntry e = peek(key);
    if (e != null) {
      keyspace.beforeChange(this, e);
      keyspace.touch(e);
      keyspace.changedQuietly(this, e);
    }
    return e;
  }

  /** Sets key to value, keeping or clearing its TTL. */
  public KeyEntry set(byte[] key, Object value, boolean keepTtl) {
    return set(key, value, keepTtl, true);
  }

  private KeyEntry set(byte[] key, Object value, boolean keepTtl, boolean notifyNew) {
    KeyEntry e = (KeyEntry) keys.findOrCreate(key);
    boolean created = e.value == null;
    if (created) {
      keyspace.initClock(e);
      keyspace.bornSettled(e); // created now: not part of a running snapshot
    } else {
      keyspace.beforeChange(this, e);
      if (e.expireAt != 0 && e.expireAt <= keyspace.now()) {
        keyspace.notifyExpired(this, e);
        setExpire(e, 0);
        created = true; // Redis deletes the expired key, then adds a new one
      } else if (!keepTtl && e.expireAt != 0) {
        setExpire(e, 0);
      }
    }
    replaceValue(e, value);
    keyspace.touch(e);
    keyspace.modified(this, e);
    if (created && notifyNew) {
      keyspace.notifyNew(this, e); // Redis's dbAdd: the "new" event (class n), before the command's
    }
    return e;
  }

  /**
   * Sizes both dicts for a snapshot's RESIZEDB counts before its keys arrive, so loading them does
   * not rehash the growing table again and again.
   */
  public void reserve(int keyCount, int expiresCount) {
    keys.reserve(keyCount);
    expires.reserve(expiresCount);
  }

  /** Adds a key read from a snapshot: no "new" event, as Redis's dbAddRDBLoad. */
  public KeyEntry addLoaded(byte[] key, Object value) {
    return set(key, value, false, false);
  }

  /** Replaces the value of a live entry in place, keeping its TTL (INCR, APPEND...). */
  public void replace(KeyEntry e, Object value) {
    keyspace.beforeChange(this, e);
    replaceValue(e, value);
    keyspace.touch(e);
    keyspace.modified(this, e);
  }

  /** Adds a key known to be absent (after a failed lookup). */
  public KeyEntry add(byte[] key, Object value) {
    return set(key, value, false);
  }

  public boolean delete(byte[] key) {
    KeyEntry e = peek(key);
    if (e == null) {
      return false;
    }
    remove(e);
    return true;
  }

  /** Removes an entry that is known live. */
  public void remove(KeyEntry e) {
    keyspace.count(1);
    drop(e);
  }

  /** Removes an entry the server deletes on its own (expiry, eviction): not a counted change. */
  void drop(KeyEntry e) {
    keyspace.beforeChange(this, e);
    keyspace.touched(this, e);
    keys.remove(e.key);
    if (e.expireAt != 0) {
      expires.remove(e.key);
    }
    unaccount(e.value);
    e.markRemoved();
    keyspace.removed(this, e);
  }

  /** Sets an entry's value; the estimate of the container it replaces leaves the total. */
  private void replaceValue(KeyEntry e, Object value) {
    if (e.value != value) {
      unaccount(e.value);
    }
    keys.setValue(e, value);
  }

  /**
   * Takes a container's estimate out of the total: its key lost it (deleted, or given another
   * value). RENAME and MOVE hand the same container to a new key, which counts it afresh.
   */
  private void unaccount(Object value) {
    if (value instanceof Container c) {
      bytes -= c.accounted;
      c.accounted = 0;
    }
  }

  /** Sets (ms since epoch) or clears (0) an entry's expiry. */
  public void setExpire(KeyEntry e, long at) {
    if (e.value != null) {
      keyspace.beforeChange(this, e);
    }
    if (at == 0) {
      if (e.expireAt != 0) {
        expires.remove(e.key);
      }
    } else if (e.expireAt == 0) {
      expires.put(e.key, e);
    }
    e.expireAt = at;
  }

  /**
   * Re-estimates an entry's memory after its value changed. A string needs nothing: the dict counts
   * it as a leaf value.
   */
  void remeasure(KeyEntry e) {
    if (!e.removed() && e.value instanceof Container c) {
      long size = Memory.sizeOfValue(c);
      bytes += size - c.accounted;
      c.accounted = size;
    }
  }

  /** Every live key (used by KEYS; a full walk, as in Redis). */
  public List<KeyEntry> liveEntries() {
    List<KeyEntry> out = new ArrayList<>(keys.size());
    long now = keyspace.now();
    for (Dict.Entry e : keys) {
      KeyEntry k = (KeyEntry) e;
      if (k.expireAt == 0 || k.expireAt > now) {
        out.add(k);
      }
    }
    return out;
  }

  void clear() {
    for (Dict.Entry e : keys) {
      ((KeyEntry) e).markRemoved();
      if (e.value instanceof Container c) {
        c.accounted = 0;
      }
    }
    keys = new Dict(Dict.Kind.KEYSPACE);
    expires = new Dict(Dict.Kind.INDEX);
    bytes = 0;
  }

  void swapWith(Database other) {
    Dict k = keys;
    Dict x = expires;
    long b = bytes;
    keys = other.keys;
    expires = other.expires;
    bytes = other.bytes;
    other.keys = k;
    other.expires = x;
    other.bytes = b;
  }
}
