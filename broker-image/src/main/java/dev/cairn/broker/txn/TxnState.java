package dev.cairn.broker.txn;

/**
 * A transaction's state, with the ids Kafka's transaction log uses and the names its admin APIs
 * (ListTransactions, DescribeTransactions) use.
 */
public enum TxnState {
  EMPTY(0, "Empty"),
  ONGOING(1, "Ongoing"),
  PREPARE_COMMIT(2, "PrepareCommit"),
  PREPARE_ABORT(3, "PrepareAbort"),
  COMPLETE_COMMIT(4, "CompleteCommit"),
  COMPLETE_ABORT(5, "CompleteAbort"),
  DEAD(6, "Dead"),
  PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

  final byte id;
  private final String kafkaName;

  TxnState(int id, String kafkaName) {
    this.id = (byte) id;
    this.kafkaName = kafkaName;
  }

  /** The name Kafka's admin APIs use ("Ongoing", "CompleteCommit", ...). */
  public String kafkaName() {
    return kafkaName;
  }

  /** The state of that admin name, or null. */
  public static TxnState byKafkaName(String name) {
    for (TxnState s : values()) {
      if (s.kafkaName.equals(name)) {
        return s;
      }
    }
    return null;
  }

  static TxnState of(byte id) {
    for (TxnState s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown transaction state " + id);
  }

  boolean preparing() {
    return this == PREPARE_COMMIT || this == PREPARE_ABORT;
  }
}
