package dev.cairn.broker.log;

import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch → the first offset written in that epoch, for OffsetForLeaderEpoch: a client (or,
 * later, a follower) asking "where does epoch e end?" gets the start offset of the next epoch, or
 * the log end offset for the latest epoch. Built from the batches' partition-leader-epoch fields
 * when the log loads and extended on every append, so it needs no file of its own. Thread-safe.
 */
public final class LeaderEpochCache {
  /** The answer: the largest known epoch at most the requested one, and where it ends. */
  public record EpochEnd(int epoch, long endOffset) {}

  public static final EpochEnd UNDEFINED = new EpochEnd(-1, -1);

  private final TreeMap<Integer, Long> starts = new TreeMap<>();

  /** Records that {@code epoch} starts at {@code offset} if it is newer than every known epoch. */
  public synchronized void assign(int epoch, long offset) {
    if (epoch >= 0 && (starts.isEmpty() || epoch > starts.lastKey())) {
      starts.put(epoch, offset);
    }
  }

  public synchronized EpochEnd endOffsetFor(int requested, long logEndOffset) {
    if (starts.isEmpty() || requested < starts.firstKey()) {
      return UNDEFINED;
    }
    if (requested >= starts.lastKey()) {
      return new EpochEnd(starts.lastKey(), logEndOffset);
    }
    int floor = starts.floorKey(requested);
    Map.Entry<Integer, Long> next = starts.higherEntry(requested);
    return new EpochEnd(floor, next.getValue());
  }
}
