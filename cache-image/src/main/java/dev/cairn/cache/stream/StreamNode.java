package dev.cairn.cache.stream;

import dev.cairn.cache.rdb.Listpack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One macro node of a stream: what Redis keeps as one listpack under one radix-tree key (its master
 * ID, the ID of the first entry added to it). The node remembers the master entry's fields, its
 * entries in ID order including tombstones, and the listpack's size in bytes, because Redis decides
 * when to open a new node from that size ({@code stream-node-max-bytes}) and the entry count
 * ({@code stream-node-max-entries}), and those decisions show in trimming with {@code ~} and in
 * XINFO.
 *
 * <p>Listpack layout (t_stream.c): master entry {@code count deleted num-fields field... 0}, then
 * per entry {@code flags ms-diff seq-diff [num-fields field...] value... lp-count}, with fields
 * left out when the SAMEFIELDS flag says they are the master's.
 */
public final class StreamNode {
  static final int FLAG_DELETED = 1;
  static final int FLAG_SAMEFIELDS = 2;

  public final StreamId master;
  final byte[][] masterFields;
  final ArrayList<StreamEntry> entries = new ArrayList<>();
  int live;
  int deleted;

  /** Listpack bytes apart from the live and deleted counters, which change size as they count. */
  private long otherBytes;

  StreamNode(StreamId master, byte[][] masterFields) {
    this.master = master;
    this.masterFields = masterFields;
    long b = Listpack.EMPTY_BYTES + Listpack.entrySize(masterFields.length) + Listpack.entrySize(0);
    for (byte[] f : masterFields) {
      b += Listpack.entrySize(f);
    }
    otherBytes = b;
  }

  /** The listpack's size in bytes (lpBytes). */
  public long bytes() {
    return otherBytes + Listpack.entrySize(live) + Listpack.entrySize(deleted);
  }

  public List<StreamEntry> entries() {
    return entries;
  }

  public byte[][] masterFields() {
    return masterFields;
  }

  public int liveCount() {
    return live;
  }

  public int deletedCount() {
    return deleted;
  }

  /** Whether an entry with these fields (flat field-value pairs) stores only its values. */
  boolean hasMasterFields(byte[][] fieldsValues) {
    if (fieldsValues.length / 2 != masterFields.length) {
      return false;
    }
    for (int i = 0; i < masterFields.length; i++) {
      if (!Arrays.equals(masterFields[i], fieldsValues[2 * i])) {
        return false;
      }
    }
    return true;
  }

  /** Appends an entry (live or a tombstone, as read from a file). */
  void append(StreamEntry e) {
    entries.add(e);
    if (e.deleted) {
      deleted++;
    } else {
      live++;
    }
    otherBytes += entryBytes(e);
  }

  private long entryBytes(StreamEntry e) {
    int fields = e.fieldCount();
    long b = Listpack.entrySize(e.sameFields ? FLAG_SAMEFIELDS : 0);
    b += Listpack.entrySize(e.id.ms() - master.ms());
    b += Listpack.entrySize(e.id.seq() - master.seq());
    int lpCount = 3 + fields;
    if (!e.sameFields) {
      b += Listpack.entrySize(fields);
      lpCount += fields + 1;
    }
    for (int i = 0; i < e.fieldsValues.length; i++) {
      if (!e.sameFields || i % 2 == 1) {
        b += Listpack.entrySize(e.fieldsValues[i]);
      }
    }
    return b + Listpack.entrySize(lpCount);
  }

  /** Marks a live entry deleted (its flags keep their one-byte size). */
  void markDeleted(StreamEntry e) {
    e.deleted = true;
    live--;
    deleted++;
  }

  /** Index of the entry with this ID, or -(insertion point) - 1. */
  int indexOf(StreamId id) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = entries.get(mid).id.compareTo(id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  StreamId lastId() {
    return entries.get(entries.size() - 1).id;
  }

  int flags(StreamEntry e) {
    return (e.deleted ? FLAG_DELETED : 0) | (e.sameFields ? FLAG_SAMEFIELDS : 0);
  }

  /** Memory estimate: the listpack plus the JVM objects that stand for it. */
  long heapBytes() {
    return bytes() + 48L * entries.size() + 64;
  }
}
