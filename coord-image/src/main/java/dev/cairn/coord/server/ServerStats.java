package dev.cairn.coord.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the four-letter words report (ZooKeeper's {@code ServerStats}): packets in and out and
 * request latency in milliseconds (min/avg/max since start or the last reset). Thread-safe.
 */
public final class ServerStats {
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder latencyTotal = new LongAdder();
  private final LongAdder latencyCount = new LongAdder();
  private final LongAccumulator latencyMax = new LongAccumulator(Math::max, 0);
  private final AtomicLong latencyMin = new AtomicLong(Long.MAX_VALUE);

  public void received() {
    received.increment();
  }

  public void sent() {
    sent.increment();
  }

  public void latency(long millis) {
    latencyTotal.add(millis);
    latencyCount.increment();
    latencyMax.accumulate(millis);
    latencyMin.accumulateAndGet(millis, Math::min);
  }

  public long packetsReceived() {
    return received.sum();
  }

  public long packetsSent() {
    return sent.sum();
  }

  public long minLatency() {
    long min = latencyMin.get();
    return min == Long.MAX_VALUE ? 0 : min;
  }

  public long maxLatency() {
    return latencyMax.get();
  }

  public double avgLatency() {
    long n = latencyCount.sum();
    return n == 0 ? 0 : (double) latencyTotal.sum() / n;
  }
}
