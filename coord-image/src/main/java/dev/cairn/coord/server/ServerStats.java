package dev.cairn.coord.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the four-letter words report (ZooKeeper's {@code ServerStats}): packets in and out,
 * request latency in milliseconds (min/avg/max since start), uptime, the size of responses (replies
 * and notifications, without their length prefix; -1 before the first) and connections opened, by
 * loopback or remote peer (all of them without TLS, which this server does not offer). Thread-safe.
 */
public final class ServerStats {
  private final long startNanos = System.nanoTime();
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder latencyTotal = new LongAdder();
  private final LongAdder latencyCount = new LongAdder();
  private final LongAccumulator latencyMax = new LongAccumulator(Math::max, 0);
  private final AtomicLong latencyMin = new AtomicLong(Long.MAX_VALUE);
  private volatile int lastResponse = -1;
  private final AtomicInteger minResponse = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger maxResponse = new AtomicInteger(-1);
  private final LongAdder localConnections = new LongAdder();
  private final LongAdder remoteConnections = new LongAdder();

  public void received() {
    received.increment();
  }

  /** One reply or notification of {@code bytes} went out. */
  public void sent(int bytes) {
    sent.increment();
    lastResponse = bytes;
    minResponse.accumulateAndGet(bytes, Math::min);
    maxResponse.accumulateAndGet(bytes, Math::max);
  }

  public void connectionOpened(boolean loopback) {
    (loopback ? localConnections : remoteConnections).increment();
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

  /** Rounded to 4 decimals as ZooKeeper rounds it, so both print the same text. */
  public double avgLatency() {
    long n = latencyCount.sum();
    return n == 0
        ? 0
        : BigDecimal.valueOf((double) latencyTotal.sum() / n)
            .setScale(4, RoundingMode.HALF_UP)
            .doubleValue();
  }

  public long uptimeMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  public int lastResponseSize() {
    return lastResponse;
  }

  public int minResponseSize() {
    int min = minResponse.get();
    return min == Integer.MAX_VALUE ? -1 : min;
  }

  public int maxResponseSize() {
    return maxResponse.get();
  }

  public long localConnections() {
    return localConnections.sum();
  }

  public long remoteConnections() {
    return remoteConnections.sum();
  }
}
