package dev.cairn.cache.stream;

import java.util.Map;
import java.util.TreeMap;

/** A consumer of a group: its name, when it was last seen, and the entries it owns. */
public final class Consumer {
  public final byte[] name;
  long seenTime;
  final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();

  Consumer(byte[] name, long seenTime) {
    this.name = name;
    this.seenTime = seenTime;
  }

  public long seenTime() {
    return seenTime;
  }

  public Map<StreamId, PendingEntry> pending() {
    return pel;
  }
}
