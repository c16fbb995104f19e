package dev.cairn.cache.db;

import dev.cairn.cache.server.Args;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A hash table keyed by byte strings, like Redis's dict: chained buckets in a power-of-two table,
 * grown at load factor 1 and shrunk below 1/8. Used for the keyspace (entries carry expiry, the
 * LRU/LFU clock and the memory estimate) and for hash, set and sorted-set members.
 *
 * <p>Why not {@link java.util.HashMap}: eviction and SPOP/SRANDMEMBER need a random entry, and SCAN
 * needs a cursor that survives resizing; both need the bucket array. One entry object per key (no
 * separate key wrapper) also keeps the per-key overhead close to Redis's.
 *
 * <p>{@link #scan} walks buckets in reverse-binary order (Pieter Noordhuis's algorithm in Redis):
 * an element present during the whole scan is returned at least once even if the table is resized
 * between calls.
 *
 * <p>Small hashes and small sets of integers are kept the way Redis keeps them in a listpack or an
 * intset, because clients see the difference: a hash of at most hash-max-listpack-entries fields
 * (names and values up to hash-max-listpack-value bytes) iterates in insertion order, and a set of
 * at most set-max-intset-entries integers in numeric order ({@link Encodings}). Such a dict is
 * <em>compact</em>: its entries sit densely in {@code table}, in that order, with their hashes
 * (and, for integer sets, values) in parallel arrays scanned without touching the entries. Crossing
 * a limit converts it to the hash table for good, as Redis converts the encoding.
 *
 * <p>{@link #bytes()} estimates the memory held: entry objects, keys and {@code byte[]} or {@code
 * Double} values (nested containers are accounted by their owners). Not thread-safe.
 */
public final class Dict extends Container implements Iterable<Dict.Entry> {
  /** Object header + key/value/next references + hash, rounded (compressed oops). */
  static final int ENTRY_OVERHEAD = 32;

  /**
   * A dict entry: a {@link Member}, or a {@link KeyEntry} in the keyspace, which also carries
   * expiry and the access clock.
   */
  public abstract static class Entry {
    public final byte[] key;
    public Object value;
    Entry next;

    Entry(byte[] key) {
      this.key = key;
    }
  }

  /** A member of a hash, set, sorted set or index: keeps its hash, compared before the key. */
  static final class Member extends Entry {
    final int hash;

    Member(byte[] key, int hash) {
      super(key);
      this.hash = hash;
    }
  }

  /**
   * A keyspace entry: 32 bytes with compact object headers (Redis's dictEntry + robj are 40). The
   * hash is recomputed from the key where needed (chains are compared by key, a resize rehashes),
   * the memory estimate of a list, hash, set, sorted set or stream lives in that value ({@link
   * Container}), and the access clock, the snapshot epoch and the removed mark share one int: at 48
   * bytes before, a million keys took 16 MB more.
   */
  public static final class KeyEntry extends Entry {
    private static final int LRU_BITS = 0xFFFFFF;
    private static final int TAG_BITS = 0x7F << 24;
    private static final int REMOVED = 1 << 31;

    /** Absolute expiry in ms since the epoch, 0 = none. */
    public long expireAt;

    /**
     * Bits 0-23: the LRU clock (seconds) or LFU (minutes << 8 | log counter), as Redis's 24-bit
     * robj.lru. Bits 24-30: the snapshot epoch this entry is settled for, modulo 128 ({@link
     * Keyspace#settleForSnapshot} keeps the epochs of live entries within 128 of each other). Bit
     * 31: the entry left its dict (entries are never reused).
     */
    private int clock;

    KeyEntry(byte[] key) {
      super(key);
    }

    /** The 24-bit LRU clock or LFU word (OBJECT, DEBUG OBJECT, eviction). */
    public int lru() {
      return clock & LRU_BITS;
    }

    void lru(int value) {
      clock = (clock & ~LRU_BITS) | (value & LRU_BITS);
    }

    /** The low 7 bits of the snapshot epoch this entry is settled for. */
    int epochTag() {
      return (clock & TAG_BITS) >>> 24;
    }

    void epochTag(int tag) {
      clock = (clock & ~TAG_BITS) | ((tag << 24) & TAG_BITS);
    }

    boolean removed() {
      return (clock & REMOVED) != 0;
    }

    void markRemoved() {
      clock |= REMOVED;
    }
  }

  /** What a dict holds: decides TYPE for hashes and sets, and keyspace entry layout. */
  public enum Kind {
    KEYSPACE,
    HASH,
    SET,
    ZSET,
    INDEX
  }

  private final Kind kind;

  /** The thresholds of the compact encodings (hashes and sets only). */
  private final Encodings limits;

  private final boolean keyspace;
  private Entry[] table = new Entry[4];
  private int size;
  private long bytes = 4L * 4;

  /** Compact mode: hashes of table[0..size), and (integer sets) the members' values, in order. */
  private boolean compact;

  private int[] hashes;
  private long[] ints;

  /** A keyspace, index or sorted-set dict: never compact. */
  public Dict(Kind kind) {
    this(kind, null);
    if (kind == Kind.HASH || kind == Kind.SET) {
      throw new IllegalArgumentException(kind + " dicts need the encoding thresholds");
    }
  }

  /** A hash or set, compact while {@code limits} allow. */
  public Dict(Kind kind, Encodings limits) {
    this.kind = kind;
    this.limits = limits;
    this.keyspace = kind == Kind.KEYSPACE;
    startCompact();
  }

  private void startCompact() {
    compact = kind == Kind.HASH || kind == Kind.SET;
    hashes = compact ? new int[4] : null;
    ints = kind == Kind.SET ? new long[4] : null;
  }

  /** Whether this dict still has its small, ordered encoding (listpack / intset in Redis). */
  public boolean compact() {
    return compact;
  }

  public Kind kind() {
    return kind;
  }

  /** A copy with the same kind, keys and (shared, immutable) leaf values. */
  public Dict copy() {
    Dict d = new Dict(kind, limits);
    for (Entry e : this) {
      d.put(e.key, e.value);
    }
    return d;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public long bytes() {
    return bytes;
  }

  static int hash(byte[] key) {
    int h = Arrays.hashCode(key);
    return h ^ (h >>> 16) ^ (h >>> 7);
  }

  /** The hash an entry is filed under: kept by members, recomputed for keyspace entries. */
  private static int hashOf(Entry e) {
    return e instanceof Member m ? m.hash : hash(e.key);
  }

  /** Whether {@code e} holds {@code key} (whose hash is {@code h}). */
  private static boolean holds(Entry e, int h, byte[] key) {
    return (!(e instanceof Member m) || m.hash == h) && Arrays.equals(e.key, key);
  }

  public Entry find(byte[] key) {
    int h = hash(key);
    if (compact) {
      int i = compactIndex(key, h);
      return i < 0 ? null : table[i];
    }
    for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
      if (holds(e, h, key)) {
        return e;
      }
    }
    return null;
  }

  public Object get(byte[] key) {
    Entry e = find(key);
    return e == null ? null : e.value;
  }

  public boolean contains(byte[] key) {
    return find(key) != null;
  }

  /** The entry for key, created with a null value if missing. */
  public Entry findOrCreate(byte[] key) {
    int h = hash(key);
    if (compact) {
      int at = compactIndex(key, h);
      if (at >= 0) {
        return table[at];
      }
      Member e = new Member(key, h);
      if (compactAdd(e)) {
        return e;
      }
      toTable();
      return link(e, h);
    }
    int i = h & (table.length - 1);
    for (Entry e = table[i]; e != null; e = e.next) {
      if (holds(e, h, key)) {
        return e;
      }
    }
    return link(keyspace ? new KeyEntry(key) : new Member(key, h), h);
  }

  /** Adds a new entry, whose key hashes to {@code h}, to the hash table. */
  private Entry link(Entry e, int h) {
    int i = h & (table.length - 1);
    e.next = table[i];
    table[i] = e;
    size++;
    bytes += ENTRY_OVERHEAD + (keyspace ? 16 : 0) + Memory.sizeOf(e.key);
    if (size > table.length) {
      resize(table.length * 2);
    }
    return e;
  }

  /** Sets key to value; returns true if the key was new. */
  public boolean put(byte[] key, Object value) {
    int before = size;
    Entry e = findOrCreate(key);
    setValue(e, value);
    return size != before;
  }

  /** Replaces an entry's value keeping the byte estimate right. */
  public void setValue(Entry e, Object value) {
    bytes += Memory.sizeOfLeaf(value) - Memory.sizeOfLeaf(e.value);
    e.value = value;
    if (compact && value instanceof byte[] b && b.length > limits.hashValue) {
      toTable();
    }
  }

  public Entry remove(byte[] key) {
    int h = hash(key);
    if (compact) {
      int at = compactIndex(key, h);
      if (at < 0) {
        return null;
      }
      Entry e = table[at];
      int tail = size - at - 1;
      System.arraycopy(table, at + 1, table, at, tail);
      System.arraycopy(hashes, at + 1, hashes, at, tail);
      if (ints != null) {
        System.arraycopy(ints, at + 1, ints, at, tail);
      }
      table[--size] = null;
      bytes -= ENTRY_OVERHEAD + Memory.sizeOf(e.key) + Memory.sizeOfLeaf(e.value);
      return e;
    }
    int i = h & (table.length - 1);
    Entry prev = null;
    for (Entry e = table[i]; e != null; prev = e, e = e.next) {
      if (holds(e, h, key)) {
        if (prev == null) {
          table[i] = e.next;
        } else {
          prev.next = e.next;
        }
        size--;
        bytes -=
            ENTRY_OVERHEAD
                + (keyspace ? 16 : 0)
                + Memory.sizeOf(e.key)
                + Memory.sizeOfLeaf(e.value);
        e.next = null;
        if (table.length > 4 && size < table.length / 8) {
          resize(Math.max(4, Integer.highestOneBit(Math.max(size, 1)) * 2));
        }
        return e;
      }
    }
    return null;
  }

  public void clear() {
    table = new Entry[4];
    size = 0;
    bytes = 16;
    startCompact();
  }

  // ---- compact mode ----

  /** Index of key in the compact arrays, or -1. */
  private int compactIndex(byte[] key, int h) {
    if (ints != null) {
      Long v = Args.tryLong(key);
      if (v == null) {
        return -1;
      }
      int i = Arrays.binarySearch(ints, 0, size, v);
      return i >= 0 ? i : -1;
    }
    for (int i = 0; i < size; i++) {
      if (hashes[i] == h && Arrays.equals(table[i].key, key)) {
        return i;
      }
    }
    return -1;
  }

  /** Adds a new entry in order if the dict stays compact; false if it must become a table. */
  private boolean compactAdd(Member e) {
    int at = size;
    long v = 0;
    if (ints != null) {
      Long n = Args.tryLong(e.key);
      if (n == null || size >= limits.intsetEntries) {
        return false;
      }
      v = n;
      at = -Arrays.binarySearch(ints, 0, size, v) - 1;
    } else if (size >= limits.hashEntries || e.key.length > limits.hashValue) {
      return false;
    }
    if (size == table.length) {
      int grown = size * 2;
      table = Arrays.copyOf(table, grown);
      hashes = Arrays.copyOf(hashes, grown);
      bytes += (ints != null ? 16L : 8L) * size;
      if (ints != null) {
        ints = Arrays.copyOf(ints, grown);
      }
    }
    int tail = size - at;
    System.arraycopy(table, at, table, at + 1, tail);
    System.arraycopy(hashes, at, hashes, at + 1, tail);
    table[at] = e;
    hashes[at] = e.hash;
    if (ints != null) {
      System.arraycopy(ints, at, ints, at + 1, tail);
      ints[at] = v;
    }
    size++;
    bytes += ENTRY_OVERHEAD + Memory.sizeOf(e.key);
    return true;
  }

  /** Leaves compact mode: the same entries, now in a hash table. */
  private void toTable() {
    Entry[] dense = table;
    int n = size;
    compact = false;
    hashes = null;
    ints = null;
    table = new Entry[Math.max(4, Integer.highestOneBit(Math.max(n, 1)) * 2)];
    for (int i = 0; i < n; i++) {
      Entry e = dense[i];
      int slot = hashOf(e) & (table.length - 1);
      e.next = table[slot];
      table[slot] = e;
    }
    bytes += 4L * (table.length - dense.length);
  }

  /**
   * Grows the table to hold {@code entries} without rehashing (a loader's hint, as Redis's
   * dictExpand for RESIZEDB); a smaller hint or a compact dict is left alone.
   */
  public void reserve(int entries) {
    if (!compact && entries > table.length) {
      resize(Integer.highestOneBit(entries - 1) << 1);
    }
  }

  private void resize(int capacity) {
    Entry[] old = table;
    Entry[] fresh = new Entry[capacity];
    int mask = capacity - 1;
    for (Entry head : old) {
      for (Entry e = head; e != null; ) {
        Entry next = e.next;
        int i = hashOf(e) & mask;
        e.next = fresh[i];
        fresh[i] = e;
        e = next;
      }
    }
    bytes += 4L * (capacity - old.length);
    table = fresh;
  }

  /** A uniformly chosen bucket's random entry (as dictGetRandomKey), or null when empty. */
  public Entry random() {
    if (size == 0) {
      return null;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    if (compact) {
      return table[rnd.nextInt(size)];
    }
    Entry head;
    do {
      head = table[rnd.nextInt(table.length)];
    } while (head == null);
    int len = 0;
    for (Entry e = head; e != null; e = e.next) {
      len++;
    }
    int pick = rnd.nextInt(len);
    Entry e = head;
    while (pick-- > 0) {
      e = e.next;
    }
    return e;
  }

  /** How many entries {@link #fairRandom} draws from: Redis's GETFAIR_NUM_ENTRIES. */
  private static final int FAIR_SAMPLE = 15;

  /**
   * A random entry drawn as Redis's dictGetFairRandomKey (SRANDMEMBER, SPOP, HRANDFIELD,
   * ZRANDMEMBER, RANDOMKEY): up to 15 entries gathered from consecutive buckets at a random place,
   * one of them picked. {@link #random} favours the entries of short chains; this is uniform for a
   * dict of up to 15 entries and close to it beyond. Null when empty.
   */
  public Entry fairRandom() {
    if (size == 0) {
      return null;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    if (compact) {
      return table[rnd.nextInt(size)];
    }
    int want = Math.min(size, FAIR_SAMPLE);
    Entry[] picked = new Entry[want];
    int stored = 0;
    int mask = table.length - 1;
    int i = rnd.nextInt(table.length);
    int empty = 0;
    // as dictGetSomeKeys: a run of empty buckets longer than the sample jumps elsewhere
    for (int steps = want * 10; stored < want && steps > 0; steps--, i = (i + 1) & mask) {
      Entry e = table[i];
      if (e == null) {
        if (++empty >= 5 && empty > want) {
          i = rnd.nextInt(table.length);
          empty = 0;
        }
        continue;
      }
      empty = 0;
      for (; e != null && stored < want; e = e.next) {
        picked[stored++] = e;
      }
    }
    return stored == 0 ? random() : picked[rnd.nextInt(stored)];
  }

  /**
   * The number of buckets {@link #visitBucket} takes: the table's length, which changes only when
   * the table is resized (1 for a compact dict).
   */
  public int buckets() {
    return compact ? 1 : table.length;
  }

  /**
   * Visits the entries of bucket {@code i} of the current table (a compact dict: all of them at 0).
   * Walking 0, 1, 2... follows the table in memory order, unlike {@link #scan}'s reversed-bit
   * cursor, which jumps across it at every step.
   */
  public void visitBucket(int i, Consumer<Entry> visitor) {
    if (compact) {
      scan(0, visitor);
      return;
    }
    for (Entry e = table[i]; e != null; ) {
      Entry next = e.next;
      visitor.accept(e);
      e = next;
    }
  }

  /**
   * Visits the entries of the bucket(s) at {@code cursor} and returns the next cursor (0 = done).
   */
  public long scan(long cursor, Consumer<Entry> visitor) {
    if (size == 0) {
      return 0;
    }
    if (compact) {
      // as Redis scans a listpack or intset: everything in one call
      for (int i = 0; i < size; i++) {
        visitor.accept(table[i]);
      }
      return 0;
    }
    long mask = table.length - 1;
    for (Entry e = table[(int) (cursor & mask)]; e != null; ) {
      Entry next = e.next;
      visitor.accept(e);
      e = next;
    }
    long v = cursor | ~mask;
    v = Long.reverse(v);
    v++;
    v = Long.reverse(v);
    return v;
  }

  @Override
  public Iterator<Entry> iterator() {
    return new Iterator<>() {
      private final Entry[] t = table;
      private final boolean dense = compact;
      private final int n = size;
      private int bucket = -1;
      private Entry next = advance(null);

      private Entry advance(Entry from) {
        if (dense) {
          return ++bucket < n ? t[bucket] : null;
        }
        if (from != null && from.next != null) {
          return from.next;
        }
        while (++bucket < t.length) {
          if (t[bucket] != null) {
            return t[bucket];
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Entry next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Entry e = next;
        next = advance(e);
        return e;
      }
    };
  }
}
