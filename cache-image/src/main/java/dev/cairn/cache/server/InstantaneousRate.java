package dev.cairn.cache.server;

/**
 * A per-second rate averaged over the last 16 samples, as Redis's trackInstantaneousMetric: INFO's
 * instantaneous_ops_per_sec and instantaneous_input/output_kbps. Sampled by the keyspace thread.
 */
final class InstantaneousRate {
  private static final int SAMPLES = 16;
  private final long[] samples = new long[SAMPLES];
  private int next;
  private long lastValue;
  private long lastMillis;

  void sample(long value, long nowMillis) {
    if (lastMillis != 0 && nowMillis > lastMillis) {
      samples[next] = (value - lastValue) * 1000 / (nowMillis - lastMillis);
      next = (next + 1) % SAMPLES;
    }
    lastValue = value;
    lastMillis = nowMillis;
  }

  void reset() {
    java.util.Arrays.fill(samples, 0);
    lastMillis = 0;
  }

  long perSecond() {
    long sum = 0;
    for (long s : samples) {
      sum += s;
    }
    return sum / SAMPLES;
  }
}
