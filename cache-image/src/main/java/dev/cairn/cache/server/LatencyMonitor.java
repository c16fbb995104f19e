package dev.cairn.cache.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis's latency monitor (latency.c): with {@code latency-monitor-threshold} above 0, every event
 * that took at least that many milliseconds is kept per event name ("command", "fast-command") as a
 * time series of the last 160 seconds that had one (samples in the same second keep the higher),
 * plus the all-time maximum. LATENCY LATEST, HISTORY, RESET and DOCTOR read it.
 */
final class LatencyMonitor {
  static final int SAMPLES = 160;

  /** One event's series: a ring of (second, milliseconds) samples. */
  static final class Series {
    final long[] seconds = new long[SAMPLES];
    final long[] millis = new long[SAMPLES];
    int next;
    int count;
    long max;

    long latestSecond() {
      return seconds[(next + SAMPLES - 1) % SAMPLES];
    }

    long latestMillis() {
      return millis[(next + SAMPLES - 1) % SAMPLES];
    }
  }

  private final Map<String, Series> events = new LinkedHashMap<>();

  void add(String event, long ms) {
    long now = System.currentTimeMillis() / 1000;
    Series s = events.computeIfAbsent(event, e -> new Series());
    s.max = Math.max(s.max, ms);
    if (s.count > 0 && s.latestSecond() == now) {
      int last = (s.next + SAMPLES - 1) % SAMPLES;
      s.millis[last] = Math.max(s.millis[last], ms);
      return;
    }
    s.seconds[s.next] = now;
    s.millis[s.next] = ms;
    s.next = (s.next + 1) % SAMPLES;
    s.count = Math.min(s.count + 1, SAMPLES);
  }

  Map<String, Series> events() {
    return events;
  }

  /** Forgets the named events (all when none is named); returns how many were known. */
  int reset(Iterable<String> names) {
    int n = 0;
    boolean any = false;
    for (String name : names) {
      any = true;
      if (events.remove(name) != null) {
        n++;
      }
    }
    if (!any) {
      n = events.size();
      events.clear();
    }
    return n;
  }
}
