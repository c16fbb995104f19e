package dev.cairn.broker.replication;

import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;

/**
 * What the replication state machines need of a partition's log: its ends, its leader epochs, and
 * the two writes a follower makes. {@code B} is what a fetch carries (record batches in the broker,
 * plain entries in the simulation). Every method is called by one thread at a time per partition.
 */
public interface ReplicaLog<B> {
  long logStartOffset();

  long logEndOffset();

  long highWatermark();

  /** Moves the high watermark (never past the log end; the caller never moves it back). */
  void updateHighWatermark(long offset);

  /** Where {@code epoch} ends in this log, as OffsetForLeaderEpoch answers it. */
  EpochEnd endOffsetForEpoch(int epoch);

  /** The epoch of the last batch, -1 for an empty log. */
  int latestEpoch();

  /** Appends a leader's batches verbatim: their offsets and leader epochs are kept. */
  void appendAsFollower(B batches);

  /**
   * Removes every record at or after {@code offset} (and the leader epochs that start there); the
   * high watermark comes down with it.
   */
  void truncateTo(long offset);

  /** Empties the log and starts it at {@code offset} (the leader's log start passed this log). */
  void truncateFullyAndStartAt(long offset);
}
