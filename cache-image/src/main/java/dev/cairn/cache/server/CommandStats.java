package dev.cairn.cache.server;

/**
 * Per-command counters for INFO commandstats and the Prometheus meters, including the latency
 * histogram behind {@code cairn_cache_command_duration_seconds}.
 *
 * <p>Written by the keyspace thread only, with plain stores: a volatile store or an atomic
 * increment per command would cost more than a GET itself. The metrics scrape reads them racily,
 * which at worst shows a command counted in one series and not yet in another for one scrape.
 */
public final class CommandStats {
  /** Histogram bucket upper bounds in nanoseconds; the last bucket is +Inf. */
  static final long[] BOUNDS_NANOS = {
    10_000, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  long calls;
  long micros;
  long rejected;
  long failed;

  /** Observations per bucket (not cumulative); never reset, as Prometheus expects. */
  final long[] buckets = new long[BOUNDS_NANOS.length + 1];

  long totalNanos;

  /** INFO latencystats' histogram; allocated at a command's first timed call. */
  LatencyHistogram latency;

  public long calls() {
    return calls;
  }

  /** Counts a call in the latency histogram too (when latency-tracking is on). */
  void record(long nanos, boolean trackLatency) {
    record(nanos);
    if (trackLatency) {
      if (latency == null) {
        latency = new LatencyHistogram();
      }
      latency.record(nanos / 1000);
    }
  }

  void reset() {
    calls = 0;
    micros = 0;
    rejected = 0;
    failed = 0;
    latency = null;
  }

  void record(long nanos) {
    calls++;
    micros += nanos / 1000;
    totalNanos += nanos;
    int i = 0;
    while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
      i++;
    }
    buckets[i]++;
  }
}
