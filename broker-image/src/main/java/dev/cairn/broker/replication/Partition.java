package dev.cairn.broker.replication;

import dev.cairn.broker.log.LogAppendInfo;
import dev.cairn.broker.log.UnifiedLog;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * A partition this broker leads: its log and the {@link LeaderReplica} state machine, behind one
 * monitor (request threads, the ISR writer and the metadata thread all reach it). Appends stamp the
 * leader epoch on batches; an acks=all append is acknowledged only once {@link #isCommitted} holds
 * for it.
 */
public final class Partition {
  private final TopicPartition tp;
  private final UnifiedLog log;
  private final LeaderReplica replica;
  private final int replicationFactor;

  public Partition(
      TopicPartition tp,
      UnifiedLog log,
      int brokerId,
      List<Integer> replicas,
      int leaderEpoch,
      List<Integer> isr,
      int version,
      long nowMs,
      long lagMaxMs) {
    this.tp = tp;
    this.log = log;
    this.replicationFactor = replicas.size();
    this.replica =
        new LeaderReplica(
            brokerId, replicas, leaderEpoch, isr, version, new LogReplica(log), nowMs, lagMaxMs);
  }

  /**
   * Appends producer batches. acks=all needs at least {@code min.insync.replicas} in the ISR,
   * capped at the replication factor as Kafka 4 does (a topic with one replica and
   * min.insync.replicas=2 accepts acks=all); NOT_ENOUGH_REPLICAS otherwise, checked before writing.
   */
  public LogAppendInfo appendAsLeader(MemoryRecords records, short acks) throws IOException {
    return appendAsLeader(records, acks, false);
  }

  /** As {@link #appendAsLeader(MemoryRecords, short)}; the coordinator may write markers. */
  public synchronized LogAppendInfo appendAsLeader(
      MemoryRecords records, short acks, boolean fromCoordinator) throws IOException {
    if (acks == -1 && !enoughInSync()) {
      throw new NotEnoughReplicasException(
          "The size of the current ISR "
              + replica.isr().size()
              + " is insufficient to satisfy the min.isr requirement of "
              + minIsr()
              + " for partition "
              + tp);
    }
    LogAppendInfo info = log.appendAsLeader(records, replica.leaderEpoch(), fromCoordinator);
    replica.onLeaderAppend();
    return info;
  }

  private int minIsr() {
    return Math.min(log.config().minInsyncReplicas(), replicationFactor);
  }

  /** Whether the committed ISR is at least {@code min.insync.replicas} (capped at the RF). */
  public synchronized boolean enoughInSync() {
    return replica.isr().size() >= minIsr();
  }

  /** A follower's fetch; see {@link LeaderReplica#onFollowerFetch}. */
  public synchronized LeaderReplica.FetchDecision onFollowerFetch(
      int replicaId, FetchPosition position, long nowMs) {
    return replica.onFollowerFetch(replicaId, position, nowMs);
  }

  public synchronized void setEligible(java.util.Set<Integer> registered) {
    replica.setEligible(registered);
  }

  public synchronized void tick(long nowMs) {
    replica.tick(nowMs);
  }

  public synchronized IsrProposal pendingProposal() {
    return replica.pendingProposal();
  }

  /** A newer partition state of this leader epoch (our ISR change, or the controller's). */
  public synchronized void onIsrCommitted(List<Integer> isr, int version) {
    replica.onIsrCommitted(isr, version);
  }

  /** Whether every in-sync replica holds the offsets below {@code offset}. */
  public synchronized boolean isCommitted(long offset) {
    return replica.isCommitted(offset);
  }

  public synchronized List<Integer> isr() {
    return replica.isr();
  }

  public synchronized long highWatermark() {
    return replica.highWatermark();
  }

  public TopicPartition topicPartition() {
    return tp;
  }

  public UnifiedLog log() {
    return log;
  }

  public int leaderEpoch() {
    return replica.leaderEpoch();
  }
}
