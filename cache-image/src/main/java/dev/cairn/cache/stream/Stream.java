package dev.cairn.cache.stream;

import dev.cairn.cache.db.Container;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Redis stream (t_stream.c): entries in macro {@link StreamNode}s keyed by master ID, the
 * stream's counters (length, last generated ID, recorded first ID, the largest deleted ID and the
 * number of entries ever added, which give consumer-group lag) and its consumer groups by name in
 * byte order.
 *
 * <p>Entries are appended to the last node until it reaches {@code stream-node-max-bytes} bytes or
 * {@code stream-node-max-entries} entries (tombstones count); deleting marks an entry as a
 * tombstone and frees a node once nothing live is left in it, as Redis does, so node boundaries —
 * what approximate trimming removes — are Redis's. Not thread-safe: owned by the keyspace thread.
 */
public final class Stream extends Container {
  final TreeMap<StreamId, StreamNode> nodes = new TreeMap<>();
  long length;
  StreamId lastId = StreamId.MIN;
  StreamId firstId = StreamId.MIN;
  StreamId maxDeletedId = StreamId.MIN;
  long entriesAdded;
  final TreeMap<byte[], ConsumerGroup> groups = new TreeMap<>(Arrays::compareUnsigned);

  /** The nodes' memory estimate, kept as they change (re-measured after every write command). */
  private long nodeBytes;

  public long length() {
    return length;
  }

  public StreamId lastId() {
    return lastId;
  }

  public StreamId firstId() {
    return firstId;
  }

  public StreamId maxDeletedId() {
    return maxDeletedId;
  }

  public long entriesAdded() {
    return entriesAdded;
  }

  public Iterable<StreamNode> nodes() {
    return nodes.values();
  }

  public Map<byte[], ConsumerGroup> groups() {
    return groups;
  }

  /** Restores the counters as saved in an RDB file. */
  public void restoreCounters(
      long length, StreamId last, StreamId first, StreamId maxDeleted, long entriesAdded) {
    this.length = length;
    this.lastId = last;
    this.firstId = first;
    this.maxDeletedId = maxDeleted;
    this.entriesAdded = entriesAdded;
  }

  /** Adds a node as read from an RDB file; false if its master ID is taken. */
  public boolean restoreNode(StreamNode node) {
    if (nodes.putIfAbsent(node.master, node) != null) {
      return false;
    }
    nodeBytes += node.heapBytes();
    return true;
  }

  private void removeNode(StreamNode node) {
    nodes.remove(node.master);
    nodeBytes -= node.heapBytes();
  }

  private void markDeleted(StreamNode node, StreamEntry e) {
    long before = node.heapBytes();
    node.markDeleted(e);
    nodeBytes += node.heapBytes() - before;
  }

  /** A node to fill from an RDB file. */
  public static StreamNode node(StreamId master, byte[][] masterFields) {
    return new StreamNode(master, masterFields);
  }

  /** An entry as read from an RDB file, appended to {@code node}. */
  public static void restoreEntry(StreamNode node, StreamId id, byte[][] fieldsValues, int flags) {
    StreamEntry e = new StreamEntry(id, fieldsValues, (flags & StreamNode.FLAG_SAMEFIELDS) != 0);
    e.deleted = (flags & StreamNode.FLAG_DELETED) != 0;
    node.append(e);
  }

  /**
   * Appends an entry with an ID already checked to be above {@link #lastId}, opening a new node
   * when the last one is full (streamAppendItem).
   */
  void append(StreamId id, byte[][] fieldsValues, long nodeMaxBytes, long nodeMaxEntries) {
    long elementBytes = 0;
    for (byte[] b : fieldsValues) {
      elementBytes += b.length;
    }
    var tail = nodes.lastEntry();
    StreamNode node = tail == null ? null : tail.getValue();
    if (node != null) {
      long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > (1 << 30) ? (1 << 30) : nodeMaxBytes;
      if (node.bytes() + elementBytes >= maxBytes
          || (nodeMaxEntries != 0 && node.live + node.deleted >= nodeMaxEntries)) {
        node = null;
      }
    }
    boolean same;
    if (node == null) {
      byte[][] fields = new byte[fieldsValues.length / 2][];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = fieldsValues[2 * i];
      }
      node = new StreamNode(id, fields);
      nodes.put(id, node);
      nodeBytes += node.heapBytes();
      same = true;
    } else {
      same = node.hasMasterFields(fieldsValues);
    }
    long before = node.heapBytes();
    node.append(new StreamEntry(id, fieldsValues, same));
    nodeBytes += node.heapBytes() - before;
    length++;
    entriesAdded++;
    lastId = id;
    if (length == 1) {
      firstId = id;
    }
  }

  /** The live entry with this ID, or null. */
  public StreamEntry get(StreamId id) {
    var n = nodes.floorEntry(id);
    if (n == null) {
      return null;
    }
    int i = n.getValue().indexOf(id);
    if (i < 0) {
      return null;
    }
    StreamEntry e = n.getValue().entries.get(i);
    return e.deleted ? null : e;
  }

  /** Deletes a live entry; false if there is none with this ID. */
  boolean delete(StreamId id) {
    var n = nodes.floorEntry(id);
    if (n == null) {
      return false;
    }
    StreamNode node = n.getValue();
    int i = node.indexOf(id);
    if (i < 0 || node.entries.get(i).deleted) {
      return false;
    }
    if (node.live == 1) {
      removeNode(node);
    } else {
      markDeleted(node, node.entries.get(i));
    }
    length--;
    return true;
  }

  /**
   * Up to {@code count} (0 = all) live entries with IDs in [start, end], ascending or, with {@code
   * rev}, descending.
   */
  public List<StreamEntry> range(StreamId start, StreamId end, long count, boolean rev) {
    List<StreamEntry> out = new ArrayList<>();
    if (start.compareTo(end) > 0) {
      return out;
    }
    StreamId fromKey = nodes.floorKey(start);
    var view = fromKey == null ? nodes.headMap(end, true) : nodes.subMap(fromKey, true, end, true);
    Iterable<StreamNode> ordered = rev ? view.descendingMap().values() : view.values();
    for (StreamNode node : ordered) {
      List<StreamEntry> es = node.entries;
      int from = rev ? es.size() - 1 : 0;
      int step = rev ? -1 : 1;
      for (int i = from; i >= 0 && i < es.size(); i += step) {
        StreamEntry e = es.get(i);
        if (e.deleted || e.id.compareTo(start) < 0 || e.id.compareTo(end) > 0) {
          continue;
        }
        out.add(e);
        if (count > 0 && out.size() >= count) {
          return out;
        }
      }
    }
    return out;
  }

  /** The first or last live entry, or null when empty. */
  public StreamEntry edge(boolean first) {
    List<StreamEntry> one = range(StreamId.MIN, StreamId.MAX, 1, !first);
    return one.isEmpty() ? null : one.get(0);
  }

  /** The ID of the last live entry (streamLastValidID); 0-0 when empty. */
  StreamId lastValidId() {
    StreamEntry e = edge(false);
    return e == null ? StreamId.MIN : e.id;
  }

  /** Sets the recorded first ID after entries went (0-0 once empty). */
  void refreshFirstId() {
    StreamEntry e = length == 0 ? null : edge(true);
    firstId = e == null ? StreamId.MIN : e.id;
  }

  /** How XADD and XTRIM trim: MAXLEN or MINID, exact or approximate (~), with a LIMIT. */
  record Trim(boolean byLength, long maxLen, StreamId minId, boolean approx, long limit) {}

  /**
   * Trims as streamTrim does and returns the number of entries removed; with {@code apply} false
   * only counts them (so a trim that removes nothing leaves the key untouched).
   */
  long trim(Trim t, boolean apply) {
    long len = length;
    long removed = 0;
    Iterator<StreamNode> it = nodes.values().iterator();
    while (it.hasNext()) {
      if (t.byLength() && len <= t.maxLen()) {
        break;
      }
      StreamNode node = it.next();
      long entries = node.live;
      if (t.limit() != 0 && removed + entries > t.limit()) {
        break;
      }
      boolean whole =
          t.byLength() ? len - entries >= t.maxLen() : node.lastId().compareTo(t.minId()) < 0;
      if (whole) {
        if (apply) {
          it.remove();
          nodeBytes -= node.heapBytes();
        }
        len -= entries;
        removed += entries;
        continue;
      }
      if (t.approx()) {
        break;
      }
      for (StreamEntry e : node.entries) {
        if (t.byLength() ? len <= t.maxLen() : e.id.compareTo(t.minId()) >= 0) {
          break;
        }
        if (!e.deleted) {
          if (apply) {
            markDeleted(node, e);
          }
          len--;
          removed++;
        }
      }
      break;
    }
    if (apply) {
      length = len;
      if (length == 0) {
        firstId = StreamId.MIN;
      } else if (removed > 0) {
        refreshFirstId();
      }
    }
    return removed;
  }

  public ConsumerGroup group(byte[] name) {
    return groups.get(name);
  }

  /** Whether a tombstone may lie in [start, end] (streamRangeHasTombstones). */
  boolean rangeHasTombstones(StreamId start, StreamId end) {
    if (length == 0 || maxDeletedId.isZero()) {
      return false;
    }
    if (firstId.compareTo(maxDeletedId) > 0) {
      return false;
    }
    StreamId s = start == null ? StreamId.MIN : start;
    StreamId e = end == null ? StreamId.MAX : end;
    return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
  }

  /**
   * The logical read counter of an ID, or -1 when it cannot be known
   * (streamEstimateDistanceFromFirstEverEntry).
   */
  long estimateEntriesRead(StreamId id) {
    if (entriesAdded == 0) {
      return 0;
    }
    if (length == 0 && id.compareTo(lastId) < 1) {
      return entriesAdded;
    }
    int cmpLast = id.compareTo(lastId);
    if (cmpLast == 0) {
      return entriesAdded;
    } else if (cmpLast > 0) {
      return ConsumerGroup.INVALID_ENTRIES_READ;
    }
    int cmpFirst = id.compareTo(firstId);
    if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
      if (cmpFirst < 0) {
        return entriesAdded - length;
      } else if (cmpFirst == 0) {
        return entriesAdded - length + 1;
      }
    }
    return ConsumerGroup.INVALID_ENTRIES_READ;
  }

  /** The group's lag, or null when it cannot be known (streamReplyWithCGLag). */
  Long lag(ConsumerGroup g) {
    if (entriesAdded == 0) {
      return 0L;
    }
    if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ
        && !rangeHasTombstones(g.lastId, null)) {
      return entriesAdded - g.entriesRead;
    }
    long read = estimateEntriesRead(g.lastId);
    return read == ConsumerGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
  }

  /** A deep copy (COPY): nodes, counters, groups, consumers and pending entries. */
  public Stream copy() {
    Stream s = new Stream();
    for (StreamNode n : nodes.values()) {
      StreamNode m = new StreamNode(n.master, n.masterFields);
      for (StreamEntry e : n.entries) {
        StreamEntry f = new StreamEntry(e.id, e.fieldsValues, e.sameFields);
        f.deleted = e.deleted;
        m.append(f);
      }
      s.restoreNode(m);
    }
    s.restoreCounters(length, lastId, firstId, maxDeletedId, entriesAdded);
    for (var g : groups.entrySet()) {
      s.groups.put(g.getKey(), g.getValue().copy());
    }
    return s;
  }

  /** Memory estimate for used_memory and MEMORY USAGE. */
  public long bytes() {
    long b = 96 + nodeBytes;
    for (ConsumerGroup g : groups.values()) {
      b += g.bytes();
    }
    return b;
  }
}
