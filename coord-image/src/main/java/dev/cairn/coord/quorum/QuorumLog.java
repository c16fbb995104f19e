package dev.cairn.coord.quorum;

import dev.cairn.common.io.BackgroundFsync;
import dev.cairn.common.io.Crc32c;
import dev.cairn.common.io.Storage;
import dev.cairn.common.io.StorageFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's logged history: every txn it accepted after its snapshot's zxid (the {@link #base}), in
 * zxid order, in one file of its {@link Storage}. Logged is not committed: the tail may hold
 * proposals that a new leader will truncate.
 *
 * <pre>
 * entry := length of zxid + data (int) | crc32c of zxid + data (int) | zxid (long) | data
 * </pre>
 *
 * Appends are buffered by the storage until {@link #sync} or a {@link #requestSync requested}
 * background fsync finished; a peer acknowledges only what is durable. The file is a {@link
 * Storage#openLog log}: zeros may follow the last entry. At start-up an entry cut short or failing
 * its checksum ends the history (a write torn by a crash), as do zeros, and the file is truncated
 * there.
 */
final class QuorumLog {
  private static final Logger log = LoggerFactory.getLogger(QuorumLog.class);
  static final String FILE = "quorum.log";
  private static final int HEADER = 8;

  private final Storage storage;
  private StorageFile file;
  private final List<Txn> txns = new ArrayList<>();
  private final List<Long> offsets = new ArrayList<>();
  private final Function<Txn, Membership> reconfigOf;
  private final TreeMap<Long, Membership> reconfigs = new TreeMap<>();
  private boolean dirty;
  private long base;

  /** Where {@link #requestSync} fsyncs; null: on the caller's thread, at once. */
  private final BackgroundFsync background;

  /**
   * Background fsyncs requested so far, numbered from 1, and the last one known finished: every
   * write made before fsync {@code durable} was requested is durable.
   */
  private long requested;

  private long durable;

  /** A log that fsyncs on the caller's thread only. */
  QuorumLog(Storage storage, long base, Function<Txn, Membership> reconfigOf) {
    this(storage, null, base, reconfigOf);
  }

  /**
   * The log after {@code base}, the zxid of the snapshot that holds the history before; {@code
   * reconfigOf} tells which txns change the configuration, and to what; {@code background}, if not
   * null, runs the fsyncs {@link #requestSync} asks for.
   */
  QuorumLog(
      Storage storage,
      BackgroundFsync background,
      long base,
      Function<Txn, Membership> reconfigOf) {
    this.storage = storage;
    this.background = background;
    this.base = base;
    this.reconfigOf = reconfigOf;
    this.file = storage.openLog(FILE);
    load();
  }

  /** The zxid the history before the log ends at (its snapshot's), 0 for none. */
  long base() {
    return base;
  }

  private void load() {
    long size = file.size();
    long position = 0;
    byte[] header = new byte[HEADER];
    while (position + HEADER <= size) {
      file.read(position, header, 0, HEADER);
      ByteBuffer h = ByteBuffer.wrap(header);
      int length = h.getInt();
      int crc = h.getInt();
      if (length < 8 || position + HEADER + length > size) {
        break;
      }
      byte[] body = new byte[length];
      file.read(position + HEADER, body, 0, length);
      if (Crc32c.compute(body, 0, length) != crc) {
        break;
      }
      ByteBuffer b = ByteBuffer.wrap(body);
      long zxid = b.getLong();
      byte[] data = new byte[length - 8];
      b.get(data);
      // A crash between writing a snapshot and compacting leaves entries the snapshot holds.
      if (zxid > base) {
        offsets.add(position);
        Txn txn = new Txn(zxid, data);
        txns.add(txn);
        noteReconfig(txn);
      }
      position += HEADER + length;
    }
    if (position < size) {
      if (!zerosFrom(position, size)) {
        log.warn(
            "quorum log: torn tail at offset {} of {} bytes after zxid {}, truncated",
            position,
            size,
            Zxid.hex(lastZxid()));
      }
      file.truncate(position);
      file.fsync();
    }
  }

  /** Whether the file holds only zeros from {@code position}: space filled ahead of appends. */
  private boolean zerosFrom(long position, long size) {
    byte[] chunk = new byte[64 << 10];
    for (long at = position; at < size; ) {
      int n = file.read(at, chunk, 0, (int) Math.min(chunk.length, size - at));
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (chunk[i] != 0) {
          return false;
        }
      }
      at += n;
    }
    return true;
  }

  private void noteReconfig(Txn txn) {
    Membership next = reconfigOf.apply(txn);
    if (next != null) {
      reconfigs.put(txn.zxid(), next);
    }
  }

  /** The newest configuration a reconfig txn in the log names, or null if none does. */
  Membership lastReconfig() {
    Map.Entry<Long, Membership> last = reconfigs.lastEntry();
    return last == null ? null : last.getValue();
  }

  /** The configuration the txn with {@code zxid} makes, null if it is no reconfig. */
  Membership reconfigAt(long zxid) {
    return reconfigs.get(zxid);
  }

  long lastZxid() {
    return txns.isEmpty() ? base : txns.get(txns.size() - 1).zxid();
  }

  /** Whether the history holds {@code zxid}: the base, or an entry of the log. */
  boolean holds(long zxid) {
    return zxid == base || indexOf(zxid) >= 0;
  }

  int size() {
    return txns.size();
  }

  Txn get(int index) {
    return txns.get(index);
  }

  /** Index of the txn with {@code zxid}, or -(insertion point) - 1 as binarySearch does. */
  int indexOf(long zxid) {
    int lo = 0;
    int hi = txns.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long z = txns.get(mid).zxid();
      if (z < zxid) {
        lo = mid + 1;
      } else if (z > zxid) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** The txns after {@code zxid}. */
  List<Txn> after(long zxid) {
    int i = indexOf(zxid);
    int from = i >= 0 ? i + 1 : -(i + 1);
    return List.copyOf(txns.subList(from, txns.size()));
  }

  List<Txn> all() {
    return List.copyOf(txns);
  }

  void append(Txn txn) {
    if (txn.zxid() <= lastZxid()) {
      throw new IllegalStateException(
          "zxid " + Zxid.hex(txn.zxid()) + " does not follow " + Zxid.hex(lastZxid()));
    }
    byte[] bytes = encode(txn);
    offsets.add(file.size());
    file.append(bytes);
    txns.add(txn);
    noteReconfig(txn);
    dirty = true;
  }

  /** Drops every txn after {@code zxid}. */
  void truncateAfter(long zxid) {
    int i = indexOf(zxid);
    int keep = i >= 0 ? i + 1 : -(i + 1);
    if (keep == txns.size()) {
      return;
    }
    file.truncate(offsets.get(keep));
    txns.subList(keep, txns.size()).clear();
    offsets.subList(keep, offsets.size()).clear();
    reconfigs.tailMap(zxid, false).clear();
    dirty = true;
  }

  /**
   * Starts the log over after {@code newBase} (a snapshot now holds the history up to it), keeping
   * the entries after it.
   */
  void rebase(long newBase) {
    if (newBase <= base) {
      return;
    }
    List<Txn> kept = new ArrayList<>(after(newBase));
    base = newBase;
    replace(kept);
  }

  /**
   * Drops the whole log: a snapshot from the leader now holds the history up to {@code newBase}.
   */
  void resetTo(long newBase) {
    base = newBase;
    replace(List.of());
  }

  private void replace(List<Txn> history) {
    if (background != null) {
      background.awaitIdle(); // the file it may be syncing is about to be closed
    }
    int total = 0;
    List<byte[]> encoded = new ArrayList<>(history.size());
    for (Txn txn : history) {
      byte[] bytes = encode(txn);
      encoded.add(bytes);
      total += bytes.length;
    }
    ByteBuffer content = ByteBuffer.allocate(total);
    txns.clear();
    offsets.clear();
    reconfigs.clear();
    for (int i = 0; i < history.size(); i++) {
      offsets.add((long) content.position());
      content.put(encoded.get(i));
      txns.add(history.get(i));
      noteReconfig(history.get(i));
    }
    storage.writeAtomically(FILE, content.array());
    file = storage.openLog(FILE);
    dirty = false;
    durable = requested; // the new file was synced whole
  }

  /**
   * Makes every append and truncation so far durable, at once (covering any background fsync still
   * running).
   */
  void sync() {
    if (dirty || durable < requested) {
      file.fsync();
      dirty = false;
    }
    durable = requested;
  }

  /**
   * Starts making every append and truncation so far durable, and returns the number of the fsync
   * that does: they are durable once {@link #durable} holds for it. With a background fsync, {@code
   * done} runs on the caller's thread when a new one finished; without, the log syncs at once.
   */
  long requestSync(Runnable done) {
    if (background == null) {
      sync();
    } else if (dirty) {
      dirty = false;
      long fsync = ++requested;
      background.request(
          file,
          () -> {
            durable = Math.max(durable, fsync);
            done.run();
          });
    }
    return requested;
  }

  /** Whether the writes {@link #requestSync} numbered {@code fsync} are durable. */
  boolean durable(long fsync) {
    return fsync <= durable;
  }

  private static byte[] encode(Txn txn) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + 8 + txn.data().length);
    buffer.position(HEADER);
    buffer.putLong(txn.zxid());
    buffer.put(txn.data());
    int length = 8 + txn.data().length;
    buffer.putInt(0, length);
    buffer.putInt(4, Crc32c.compute(buffer.array(), HEADER, length));
    return buffer.array();
  }
}
