package dev.cairn.common.time;

/**
 * The time a node sees. Replication and consensus code reads time only through this, so the
 * simulator can run many nodes on one simulated timeline, skew their clocks and make them jump.
 */
public interface Clock {
  /** Monotonic milliseconds for timeouts and intervals: never goes back, unrelated to the date. */
  long monotonicMillis();

  /** Wall-clock milliseconds since the epoch, for what users see (expiry dates, log times). */
  long wallMillis();

  /** The machine's clocks. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
