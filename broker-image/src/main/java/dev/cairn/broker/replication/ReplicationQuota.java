package dev.cairn.broker.replication;

import java.util.Arrays;

/**
 * A replication throttle as Kafka's ReplicationQuotaManager keeps it: the bytes of throttled
 * replicas' fetches, measured over a sliding window of {@link #SAMPLES} one-second samples, against
 * a rate in bytes per second ({@code leader.replication.throttled.rate} on the leader, {@code
 * follower.replication.throttled.rate} on the follower). While the measured rate is above it, the
 * throttled partitions get no data: the fetch answers without their records (leader) or leaves them
 * out (follower), so reassignment traffic slows to about the rate while other replication carries
 * on.
 *
 * <p>The rate is measured over the elapsed part of the window, but at least one full sample, so a
 * first fetch may send up to one fetch's bytes before the throttle bites (as in Kafka). Which
 * partitions are throttled is the topic's {@code leader/follower.replication.throttled.replicas}
 * ({@link #lists}). Thread-safe; time is passed in.
 */
public final class ReplicationQuota {
  /** Kafka's replication.quota.window.num: eleven one-second samples. */
  static final int SAMPLES = 11;

  private static final long SAMPLE_MS = 1000;

  private final long[] bytes = new long[SAMPLES];
  private final long[] sampleStart = new long[SAMPLES];
  private long firstRecordMs = -1;

  public ReplicationQuota() {
    Arrays.fill(sampleStart, Long.MIN_VALUE);
  }

  /** Counts {@code size} bytes of a throttled partition's fetch at {@code nowMs}. */
  public synchronized void record(long size, long nowMs) {
    if (size <= 0) {
      return;
    }
    if (firstRecordMs < 0) {
      firstRecordMs = nowMs;
    }
    int i = slot(nowMs);
    long start = nowMs - nowMs % SAMPLE_MS;
    if (sampleStart[i] != start) {
      sampleStart[i] = start;
      bytes[i] = 0;
    }
    bytes[i] += size;
  }

  /** Whether the measured rate is above {@code bytesPerSecond}; never for Long.MAX_VALUE. */
  public synchronized boolean exceeded(long bytesPerSecond, long nowMs) {
    if (bytesPerSecond == Long.MAX_VALUE || firstRecordMs < 0) {
      return false;
    }
    long windowStart = nowMs - nowMs % SAMPLE_MS - (SAMPLES - 1) * SAMPLE_MS;
    long total = 0;
    for (int i = 0; i < SAMPLES; i++) {
      if (sampleStart[i] >= windowStart) {
        total += bytes[i];
      }
    }
    long elapsed = Math.max(SAMPLE_MS, nowMs - Math.max(windowStart, firstRecordMs));
    return total * 1000 / elapsed > bytesPerSecond;
  }

  private static int slot(long nowMs) {
    return (int) ((nowMs / SAMPLE_MS) % SAMPLES);
  }

  /**
   * Whether a {@code throttled.replicas} value names replica {@code broker} of {@code partition}:
   * {@code *} names every replica, else a comma-separated list of {@code partition:broker}.
   */
  public static boolean lists(String throttledReplicas, int partition, int broker) {
    if (throttledReplicas == null || throttledReplicas.isBlank()) {
      return false;
    }
    String wanted = partition + ":" + broker;
    return Arrays.stream(throttledReplicas.split(","))
        .map(String::trim)
        .anyMatch(e -> e.equals("*") || e.equals(wanted));
  }
}
