package dev.cairn.broker.txn;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * One transactional id's state as the coordinator keeps it and the transaction log records it.
 * Guarded by its own monitor; changes are made on a {@link #copy}, written to the log, then
 * adopted, so memory never runs ahead of the log.
 */
final class TxnMetadata {
  final String transactionalId;
  long producerId = -1;
  short epoch = -1;
  int timeoutMs;
  TxnState state = TxnState.EMPTY;
  final Set<TopicPartition> partitions = new LinkedHashSet<>();
  long startMs = -1;
  long lastUpdateMs;

  TxnMetadata(String transactionalId) {
    this.transactionalId = transactionalId;
  }

  TxnMetadata copy() {
    TxnMetadata c = new TxnMetadata(transactionalId);
    c.adopt(this);
    return c;
  }

  void adopt(TxnMetadata o) {
    producerId = o.producerId;
    epoch = o.epoch;
    timeoutMs = o.timeoutMs;
    state = o.state;
    partitions.clear();
    partitions.addAll(o.partitions);
    startMs = o.startMs;
    lastUpdateMs = o.lastUpdateMs;
  }
}
