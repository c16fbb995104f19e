package dev.cairn.broker.api;

/**
 * A request whose only correct answer is closing the connection: Kafka closes it when an acks=0
 * produce fails, since the producer expects no response and would otherwise never learn of the
 * error (it reconnects, refreshes metadata and carries on).
 */
public final class CloseConnectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CloseConnectionException(String reason) {
    super(reason, null, false, false);
  }
}
