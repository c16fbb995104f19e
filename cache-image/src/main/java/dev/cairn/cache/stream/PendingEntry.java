package dev.cairn.cache.stream;

/**
 * A delivered, unacknowledged entry (Redis's NACK): when it was last delivered (ms since the
 * epoch), how many times, and to which consumer (null only while an RDB load or XCLAIM FORCE is
 * attaching it).
 */
public final class PendingEntry {
  long deliveryTime;
  long deliveryCount;
  Consumer consumer;

  public PendingEntry(long deliveryTime, long deliveryCount) {
    this.deliveryTime = deliveryTime;
    this.deliveryCount = deliveryCount;
  }

  public long deliveryTime() {
    return deliveryTime;
  }

  public long deliveryCount() {
    return deliveryCount;
  }

  public Consumer consumer() {
    return consumer;
  }
}
