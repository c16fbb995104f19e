package dev.cairn.broker.txn;

/** A transaction's state, with the ids Kafka's transaction log uses. */
public enum TxnState {
  EMPTY(0),
  ONGOING(1),
  PREPARE_COMMIT(2),
  PREPARE_ABORT(3),
  COMPLETE_COMMIT(4),
  COMPLETE_ABORT(5),
  DEAD(6),
  PREPARE_EPOCH_FENCE(7);

  final byte id;

  TxnState(int id) {
    this.id = (byte) id;
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
