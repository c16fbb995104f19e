package dev.cairn.broker.log;

/** An index file that breaks its format's invariants; the caller rebuilds it from the log. */
public final class CorruptIndexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptIndexException(String message) {
    super(message);
  }
}
