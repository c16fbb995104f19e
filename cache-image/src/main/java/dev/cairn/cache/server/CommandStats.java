package dev.cairn.cache.server;

import io.micrometer.core.instrument.Timer;

/**
 * Per-command counters for INFO commandstats and the Prometheus meters. Written by the keyspace
 * thread only; the metrics scrape reads them racily, which is fine for monotonic counters.
 */
public final class CommandStats {
  volatile long calls;
  long micros;
  long rejected;
  long failed;
  Timer timer;

  public long calls() {
    return calls;
  }
}
