package dev.cairn.broker.replication;

import dev.cairn.broker.log.LogAppendInfo;
import dev.cairn.broker.log.UnifiedLog;
import java.io.IOException;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * A partition this broker leads: its log, the leader epoch the controller gave it, and the
 * high-watermark state over its ISR. Appends stamp the leader epoch on batches; the high watermark
 * is applied to the log whenever it moves (an append, an ISR change), so fetches see exactly the
 * committed data. An acks=all append is acknowledged only once {@link #isCommitted} holds for it.
 */
public final class Partition {
  private final TopicPartition tp;
  private final UnifiedLog log;
  private final int leaderEpoch;
  private final HighWatermarkState hw;
  private final int replicationFactor;

  public Partition(
      TopicPartition tp,
      UnifiedLog log,
      int brokerId,
      int leaderEpoch,
      Set<Integer> isr,
      int replicationFactor)
      throws IOException {
    this.tp = tp;
    this.replicationFactor = replicationFactor;
    this.log = log;
    this.leaderEpoch = leaderEpoch;
    this.hw = new HighWatermarkState(brokerId, isr, log.logEndOffset(), log.highWatermark());
    publishHighWatermark();
  }

  /**
   * Appends producer batches. acks=all needs at least {@code min.insync.replicas} in the ISR,
   * capped at the replication factor as Kafka 4 does (a topic with one replica and
   * min.insync.replicas=2 accepts acks=all); NOT_ENOUGH_REPLICAS otherwise, checked before writing.
   */
  public LogAppendInfo appendAsLeader(MemoryRecords records, short acks) throws IOException {
    int minIsr = Math.min(log.config().minInsyncReplicas(), replicationFactor);
    if (acks == -1 && hw.isrSize() < minIsr) {
      throw new NotEnoughReplicasException(
          "The size of the current ISR "
              + hw.isrSize()
              + " is insufficient to satisfy the min.isr requirement of "
              + minIsr
              + " for partition "
              + tp);
    }
    LogAppendInfo info = log.appendAsLeader(records, leaderEpoch);
    hw.onLeaderAppend(log.logEndOffset());
    publishHighWatermark();
    return info;
  }

  /** The controller changed the ISR within this leader epoch (a shrink may commit records). */
  public void onIsrChange(Set<Integer> isr) throws IOException {
    hw.onIsrChange(isr);
    publishHighWatermark();
  }

  /** Whether every in-sync replica holds the offsets below {@code offset}. */
  public boolean isCommitted(long offset) {
    return hw.isCommitted(offset);
  }

  // Serialised so two movers (an append, an ISR change) cannot publish out of order.
  private synchronized void publishHighWatermark() throws IOException {
    log.updateHighWatermark(hw.highWatermark());
  }

  public TopicPartition topicPartition() {
    return tp;
  }

  public UnifiedLog log() {
    return log;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }
}
