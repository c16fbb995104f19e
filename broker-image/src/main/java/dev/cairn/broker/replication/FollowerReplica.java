package dev.cairn.broker.replication;

import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;

/**
 * The follower's half of replication for one partition, as a pure state machine: it says where to
 * fetch and applies the leader's answers — batches appended verbatim with the leader's high
 * watermark (capped at the local log end), or a divergence that truncates the log to the point
 * where it and the leader's agree (Kafka's truncation by leader epoch, KIP-101 / KIP-279).
 */
public final class FollowerReplica<B> {
  private final ReplicaLog<B> log;
  private final int leaderId;
  private final int leaderEpoch;

  public FollowerReplica(ReplicaLog<B> log, int leaderId, int leaderEpoch) {
    this.log = log;
    this.leaderId = leaderId;
    this.leaderEpoch = leaderEpoch;
  }

  public int leaderId() {
    return leaderId;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public FetchPosition position() {
    return new FetchPosition(log.logEndOffset(), log.latestEpoch(), leaderEpoch);
  }

  /**
   * The leader's log ends {@code epoch} at {@code endOffset}. If this log ends that epoch at the
   * same place or later, it keeps what is below {@code endOffset}; if its own epoch there is older,
   * it keeps that older epoch and asks again. Returns the offset truncated to.
   */
  public long onDiverging(int epoch, long endOffset) {
    long target;
    if (epoch < 0 || endOffset < 0) {
      target = log.highWatermark();
    } else {
      EpochEnd local = log.endOffsetForEpoch(epoch);
      if (local.epoch() < 0) {
        target = log.highWatermark();
      } else if (local.epoch() != epoch) {
        target = local.endOffset();
      } else {
        target = Math.min(endOffset, local.endOffset());
      }
    }
    target = Math.max(log.logStartOffset(), Math.min(target, log.logEndOffset()));
    log.truncateTo(target);
    return target;
  }

  /**
   * The leader's log starts after this log's end (retention removed what this log needs next):
   * start over at the leader's log start. Returns that offset.
   */
  public long startAt(long leaderLogStartOffset) {
    if (log.logEndOffset() < leaderLogStartOffset) {
      log.truncateFullyAndStartAt(leaderLogStartOffset);
    }
    return log.logEndOffset();
  }

  /** The leader sent {@code batches} (possibly none) and its high watermark. */
  public void onRecords(B batches, long leaderHighWatermark) {
    if (batches != null) {
      log.appendAsFollower(batches);
    }
    long hw = Math.min(leaderHighWatermark, log.logEndOffset());
    if (hw > log.highWatermark()) {
      log.updateHighWatermark(hw);
    }
  }
}
