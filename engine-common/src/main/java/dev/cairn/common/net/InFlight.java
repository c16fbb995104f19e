package dev.cairn.common.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts requests an engine has read but not yet answered, so a graceful shutdown can wait for
 * them. Engines call {@link #begin()} when a request is decoded and {@link #end()} when its reply
 * is written (or the request is abandoned).
 */
public final class InFlight {
  private final AtomicLong count = new AtomicLong();
  private final Object lock = new Object();

  public void begin() {
    count.incrementAndGet();
  }

  public void end() {
    if (count.decrementAndGet() <= 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  public long count() {
    return count.get();
  }

  /** Waits until no request is in flight or {@code timeout} passes; returns whether it drained. */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (count.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
