package dev.cairn.broker.replication;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The leader's view of its replicas' log end offsets and the high watermark they imply: the
 * smallest log end offset among the in-sync replicas (the leader included). The high watermark
 * never moves backwards. A pure state machine: inputs are the leader's own appends and followers'
 * fetch positions, output is the new high watermark; the caller applies it to the log.
 *
 * <p>With a single replica (this scope) the ISR is the leader alone and the high watermark
 * follows the leader's log end offset after every append.
 */
public final class HighWatermarkState {
  private final int leaderId;
  private final Map<Integer, Long> logEndOffsets = new HashMap<>();
  private Set<Integer> isr;
  private long highWatermark;

  public HighWatermarkState(int leaderId, Set<Integer> isr, long leaderLogEnd) {
    this.leaderId = leaderId;
    this.isr = Set.copyOf(isr);
    logEndOffsets.put(leaderId, leaderLogEnd);
    this.highWatermark = computeFloor();
  }

  /** The leader appended; returns the (possibly unchanged) high watermark. */
  public synchronized long onLeaderAppend(long leaderLogEnd) {
    logEndOffsets.put(leaderId, leaderLogEnd);
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

  private long advance() {
    highWatermark = Math.max(highWatermark, computeFloor());
    return highWatermark;
  }

  /** Replicas we have not heard from count as offset 0: they hold the high watermark back. */
  private long computeFloor() {
    long min = Long.MAX_VALUE;
    for (int r : isr) {
      min = Math.min(min, logEndOffsets.getOrDefault(r, 0L));
    }
    if (!isr.contains(leaderId)) {
      min = Math.min(min, logEndOffsets.get(leaderId));
    }
    return min;
  }
}
