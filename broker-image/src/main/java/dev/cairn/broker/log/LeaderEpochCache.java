package dev.cairn.broker.log;

import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch → the first offset written in that epoch, for OffsetForLeaderEpoch: a client (or,
 * later, a follower) asking "where does epoch e end?" gets the start offset of the next epoch, or
 * the log end offset for the latest epoch. Extended on every append and kept in the partition's
 * {@link LeaderEpochCheckpoint} by the log, which rebuilds it from the batches'
 * partition-leader-epoch fields when that file is missing or damaged. Thread-safe.
 */
public final class LeaderEpochCache {
  /** The answer: an epoch and where it ends. */
  public record EpochEnd(int epoch, long endOffset) {}

  public static final EpochEnd UNDEFINED = new EpochEnd(-1, -1);

  private final TreeMap<Integer, Long> starts = new TreeMap<>();

  /**
   * Records that {@code epoch} starts at {@code offset} if it is newer than every known epoch;
   * returns whether it was.
   */
  public synchronized boolean assign(int epoch, long offset) {
    if (epoch >= 0 && (starts.isEmpty() || epoch > starts.lastKey())) {
      starts.put(epoch, offset);
      return true;
    }
    return false;
  }

  /** Every epoch and its start offset, in epoch order (what the checkpoint holds). */
  public synchronized Map<Integer, Long> entries() {
    return new TreeMap<>(starts);
  }

  /** Replaces the cache with {@code entries} (read from the checkpoint). */
  public synchronized void restore(Map<Integer, Long> entries) {
    starts.clear();
    starts.putAll(entries);
  }

  /** The newest epoch, -1 when no batch carries one. */
  public synchronized int latestEpoch() {
    return starts.isEmpty() ? -1 : starts.lastKey();
  }

  /** Forgets the epochs that start at or after {@code offset} (the log was truncated there). */
  public synchronized boolean truncateFromEnd(long offset) {
    return starts.values().removeIf(start -> start >= offset);
  }

  /**
   * Kafka's answer for {@code requested}: the latest epoch ends at the log end; an epoch newer than
   * every known one is UNDEFINED; otherwise the largest known epoch at most the requested one (or
   * the requested one itself when it predates them all) ends where the next known epoch starts.
   */
  public synchronized EpochEnd endOffsetFor(int requested, long logEndOffset) {
    if (requested < 0) {
      return UNDEFINED;
    }
    if (!starts.isEmpty() && requested == starts.lastKey()) {
      return new EpochEnd(requested, logEndOffset);
    }
    Map.Entry<Integer, Long> next = starts.higherEntry(requested);
    if (next == null) {
      return UNDEFINED;
    }
    Integer floor = starts.floorKey(requested);
    return new EpochEnd(floor == null ? requested : floor, next.getValue());
  }
}
