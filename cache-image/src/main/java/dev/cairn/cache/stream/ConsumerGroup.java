package dev.cairn.cache.stream;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group: the last ID delivered to it, its logical read counter (for lag; -1 when
 * unknown), its pending entries list (delivered, not yet acknowledged) and its consumers by name in
 * byte order. Each pending entry is in the group's PEL and in its owner's.
 */
public final class ConsumerGroup {
  /** SCG_INVALID_ENTRIES_READ: the group's read counter is not known. */
  public static final long INVALID_ENTRIES_READ = -1;

  StreamId lastId;
  long entriesRead;
  final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();
  final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

  public ConsumerGroup(StreamId lastId, long entriesRead) {
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  public StreamId lastId() {
    return lastId;
  }

  public long entriesRead() {
    return entriesRead;
  }

  public Map<StreamId, PendingEntry> pending() {
    return pel;
  }

  public Map<byte[], Consumer> consumers() {
    return consumers;
  }

  /** Adds a consumer; null if one has this name already. */
  public Consumer addConsumer(byte[] name, long seenTime) {
    if (consumers.containsKey(name)) {
      return null;
    }
    Consumer c = new Consumer(name, seenTime);
    consumers.put(name, c);
    return c;
  }

  /** Gives a pending entry read from a file to its owner; false if absent or owned already. */
  public boolean restoreOwner(StreamId id, Consumer owner) {
    PendingEntry p = pel.get(id);
    if (p == null || p.consumer != null) {
      return false;
    }
    assign(id, p, owner);
    return true;
  }

  /** Gives a pending entry to a consumer, taking it from its previous owner. */
  void assign(StreamId id, PendingEntry p, Consumer to) {
    if (p.consumer == to) {
      return;
    }
    if (p.consumer != null) {
      p.consumer.pel.remove(id);
    }
    p.consumer = to;
    to.pel.put(id, p);
  }

  /** Removes a pending entry from the group and its owner (XACK, or its entry is gone). */
  void acknowledge(StreamId id, PendingEntry p) {
    pel.remove(id);
    if (p.consumer != null) {
      p.consumer.pel.remove(id);
    }
  }

  /** Deletes a consumer and its pending entries; returns how many it had. */
  int deleteConsumer(Consumer c) {
    int n = c.pel.size();
    for (StreamId id : c.pel.keySet()) {
      pel.remove(id);
    }
    consumers.remove(c.name);
    return n;
  }

  ConsumerGroup copy() {
    ConsumerGroup g = new ConsumerGroup(lastId, entriesRead);
    for (var e : pel.entrySet()) {
      g.pel.put(
          e.getKey(), new PendingEntry(e.getValue().deliveryTime, e.getValue().deliveryCount));
    }
    for (Consumer c : consumers.values()) {
      Consumer d = g.addConsumer(c.name, c.seenTime);
      for (StreamId id : c.pel.keySet()) {
        g.assign(id, g.pel.get(id), d);
      }
    }
    return g;
  }

  /** Memory estimate: the pending entries (each in two maps) and the consumers. */
  long bytes() {
    return 64 + 96L * pel.size() + 96L * consumers.size();
  }
}
