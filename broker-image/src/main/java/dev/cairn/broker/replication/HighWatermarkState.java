package dev.cairn.broker.replication;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The leader's view of its replicas' log end offsets and the high watermark they imply: the
 * smallest log end offset among the in-sync replicas (the leader included). A pure state machine:
 * inputs are the leader's own appends, followers' fetch positions and ISR changes, output is the
 * high watermark; the caller applies it to the log.
 *
 * <p>Invariants: the high watermark never moves backwards, never passes the leader's log end, and
 * never passes an offset some ISR member has not confirmed. A follower this leader has not heard
 * from yet (a new leader epoch, a replica just added) confirms nothing: while one is in the ISR the
 * high watermark stays where it started — the log's own high watermark — rather than pretending the
 * follower holds what the leader holds. acks=all completes exactly when {@link #isCommitted} says
 * so, so an acknowledged record is always below the high watermark and visible to consumers.
 */
public final class HighWatermarkState {
  private final int leaderId;
  private final Map<Integer, Long> logEndOffsets = new HashMap<>();
  private Set<Integer> isr;
  private long highWatermark;

  /**
   * @param highWatermark where the high watermark starts: the log's current one (what earlier
   *     leaders committed), capped at the leader's log end
   */
  public HighWatermarkState(int leaderId, Set<Integer> isr, long leaderLogEnd, long highWatermark) {
    this.leaderId = leaderId;
    this.isr = Set.copyOf(isr);
    logEndOffsets.put(leaderId, leaderLogEnd);
    this.highWatermark = Math.min(highWatermark, leaderLogEnd);
    advance();
  }

  /** The leader appended; returns the (possibly unchanged) high watermark. */
  public synchronized long onLeaderAppend(long leaderLogEnd) {
    logEndOffsets.put(leaderId, leaderLogEnd);
    return advance();
  }

  /** A follower fetched at {@code logEnd}: it holds every offset below it. */
  public synchronized long onFollowerLogEnd(int replicaId, long logEnd) {
    logEndOffsets.put(replicaId, logEnd);
    return advance();
  }

  /** The controller changed the ISR. */
  public synchronized long onIsrChange(Set<Integer> newIsr) {
    isr = Set.copyOf(newIsr);
    return advance();
  }

  public synchronized long highWatermark() {
    return highWatermark;
  }

  public synchronized int isrSize() {
    return isr.size();
  }

  /** Whether every in-sync replica holds the offsets below {@code offset} (acks=all may answer). */
  public synchronized boolean isCommitted(long offset) {
    return highWatermark >= offset;
  }

  private long advance() {
    highWatermark = Math.max(highWatermark, confirmedByAll());
    return highWatermark;
  }

  /** The smallest log end over the ISR and the leader; a replica not heard from confirms none. */
  private long confirmedByAll() {
    long min = logEndOffsets.get(leaderId);
    for (int r : isr) {
      Long end = logEndOffsets.get(r);
      if (end == null) {
        return highWatermark;
      }
      min = Math.min(min, end);
    }
    return min;
  }
}
