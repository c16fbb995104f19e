package dev.cairn.common.sim;

import dev.cairn.common.time.Clock;
import java.util.function.LongSupplier;

/**
 * A node's view of simulated time. The monotonic clock runs with simulated time and may jump
 * forward (a VM paused, then resumed); the wall clock carries the node's skew and may jump either
 * way (NTP stepping it).
 */
final class SimClock implements Clock {
  private final LongSupplier now;
  private long monotonicOffset;
  private long wallOffset;

  SimClock(LongSupplier now, long wallOffset) {
    this.now = now;
    this.wallOffset = wallOffset;
  }

  @Override
  public long monotonicMillis() {
    return now.getAsLong() + monotonicOffset;
  }

  @Override
  public long wallMillis() {
    return Simulator.EPOCH_MILLIS + now.getAsLong() + wallOffset;
  }

  void jumpWall(long deltaMillis) {
    wallOffset += deltaMillis;
  }

  void jumpMonotonic(long deltaMillis) {
    if (deltaMillis < 0) {
      throw new IllegalArgumentException("a monotonic clock never goes back: " + deltaMillis);
    }
    monotonicOffset += deltaMillis;
  }
}
