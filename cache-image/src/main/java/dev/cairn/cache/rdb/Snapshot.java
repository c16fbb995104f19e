package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Keyspace;
import java.util.function.Consumer;

/**
 * A fork-less point-in-time snapshot of the keyspace, encoded as RDB key records (the idea of
 * Dragonfly's versioned snapshot).
 *
 * <p>Beginning it starts a new epoch in the {@link Keyspace}: every entry present then is
 * unsettled. Two paths settle each such entry exactly once, writing it as it was at the start:
 *
 * <ul>
 *   <li>the walker ({@link #step}) scans the databases in order between commands, a bounded slice
 *       at a time, and writes entries not yet settled;
 *   <li>the keyspace calls {@link #beforeChange} just before an unsettled entry is first modified,
 *       expired, evicted or deleted (or its whole database flushed or swapped), and it is written
 *       then.
 * </ul>
 *
 * Entries created after the start are born settled and never written. The walk meets every entry
 * present for the whole walk at least once, and an entry removed before the walker reached it went
 * through {@link #beforeChange}, so when the walk ends the snapshot holds exactly the dataset at
 * its start. Records of one database may arrive in several runs (the writer repeats SELECTDB),
 * which RDB loaders accept.
 *
 * <p>Extra memory is the encoded records not yet written out: the walker's bounded buffer plus the
 * entries writes forced out early. Runs on the keyspace thread only; the sink receives immutable
 * chunks.
 */
public final class Snapshot implements Keyspace.SnapshotHook {
  /** Records are handed to the sink in chunks of about this size. */
  static final int CHUNK_BYTES = 64 * 1024;

  private final Keyspace keyspace;
  private final Consumer<Chunk> sink;
  private final SnapshotFormat format;
  private final long[] sizes;
  private final long[] expires;
  private RdbOutput buffer;
  private int bufferDb = -1;
  private int walkDb;

  /**
   * The walk's place in {@code walkDb}'s table: the next bucket, and the table length it counts in
   * (0 before the first). The buckets are walked in memory order — entries a young collection
   * promoted together lie together, so the walk reads memory mostly ahead, where the scan cursor's
   * reversed-bit order missed the cache at every entry (two thirds of a save's time). A resize
   * between two slices restarts the walk of that table: an entry present for the whole walk is then
   * met in the last, uninterrupted pass, and those already written are settled and skipped.
   */
  private int bucket;

  private int buckets;
  private boolean done;
  private long keysTotal;
  private long keysWritten;

  public Snapshot(Keyspace keyspace, SnapshotFormat format, Consumer<Chunk> sink) {
    this.keyspace = keyspace;
    this.sink = sink;
    this.format = format;
    this.buffer = new RdbOutput(format.compress(), CHUNK_BYTES * 2);
    int n = keyspace.count();
    sizes = new long[n];
    expires = new long[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = keyspace.db(i).size();
      expires[i] = keyspace.db(i).expiresCount();
      keysTotal += sizes[i];
    }
    keyspace.beginSnapshot(this);
  }

  /**
   * Writes the whole keyspace to {@code file} on this thread in one go (SAVE, an AOF's first base
   * file): nothing else runs meanwhile. Returns the keys written.
   */
  public static long writeNow(java.nio.file.Path file, Keyspace keyspace, SnapshotFormat format)
      throws java.io.IOException {
    java.util.List<Chunk> ready = new java.util.ArrayList<>();
    Snapshot snapshot = new Snapshot(keyspace, format, ready::add);
    try {
      dev.cairn.common.io.AtomicFile.write(
          file,
          out -> {
            SnapshotFormat.File w = format.open(out, snapshot);
            boolean done;
            do {
              done = snapshot.step(Long.MAX_VALUE);
              for (Chunk c : ready) {
                w.chunk(c);
              }
              ready.clear();
            } while (!done);
            w.finish();
          });
    } finally {
      snapshot.abandon();
    }
    return snapshot.keysWritten();
  }

  /** The number of databases. */
  int databases() {
    return sizes.length;
  }

  /** Keys per database when the snapshot began (RESIZEDB). */
  long size(int db) {
    return sizes[db];
  }

  long expiresSize(int db) {
    return expires[db];
  }

  /** Keys in the snapshot (current_save_keys_total). */
  public long keysTotal() {
    return keysTotal;
  }

  /** Keys written so far (current_save_keys_processed). */
  public long keysWritten() {
    return keysWritten;
  }

  public boolean done() {
    return done;
  }

  /**
   * Walks until {@code deadlineNanos} (System.nanoTime) or about one chunk was produced; returns
   * true when the snapshot is complete (everything has been passed to the sink).
   */
  public boolean step(long deadlineNanos) {
    int produced = 0;
    while (!done && walkDb < keyspace.count()) {
      Dict keys = keyspace.db(walkDb).keys();
      if (keys.buckets() != buckets) {
        buckets = keys.buckets();
        bucket = 0;
      }
      int before = buffer.size();
      keys.visitBucket(bucket++, this::walked);
      produced += Math.max(0, buffer.size() - before);
      if (bucket == buckets) {
        walkDb++;
        buckets = 0;
      }
      if (produced >= CHUNK_BYTES || System.nanoTime() >= deadlineNanos) {
        break;
      }
    }
    if (!done && walkDb >= keyspace.count()) {
      flush();
      keyspace.endSnapshot();
      done = true;
    }
    return done;
  }

  private void walked(Dict.Entry e) {
    KeyEntry k = (KeyEntry) e;
    if (keyspace.settleForSnapshot(k)) {
      append(keyspace.db(walkDb), k);
    }
  }

  @Override
  public void beforeChange(Database db, KeyEntry e) {
    append(db, e);
  }

  /** Stops the snapshot early (failed or cancelled); nothing more reaches the sink. */
  public void abandon() {
    if (!done) {
      keyspace.endSnapshot();
      done = true;
    }
  }

  private void append(Database db, KeyEntry e) {
    if (bufferDb != db.id) {
      flush();
      bufferDb = db.id;
    }
    format.record(buffer, e);
    keysWritten++;
    if (buffer.size() >= CHUNK_BYTES) {
      flush();
    }
  }

  private void flush() {
    if (buffer.size() > 0) {
      sink.accept(new Chunk(bufferDb, buffer.toByteArray(), buffer.size()));
      buffer.reset();
    }
  }
}
