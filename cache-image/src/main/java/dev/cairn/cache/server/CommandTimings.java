package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import java.util.Arrays;

/**
 * Where a command's run time goes once it returns: its INFO commandstats and latencystats, the
 * commands counter, SLOWLOG and the LATENCY monitor, each gated by its configured threshold. The
 * thresholds are copied from the configuration when it changes, not looked up per command.
 */
final class CommandTimings {
  private final ServerStats stats;
  private final SlowLog slowlog;
  private final LatencyMonitor latency;
  private long slowerThanMicros;
  private long latencyThresholdMillis;
  private boolean latencyTracking;
  private double[] latencyPercentiles;

  CommandTimings(ServerStats stats, SlowLog slowlog, LatencyMonitor latency) {
    this.stats = stats;
    this.slowlog = slowlog;
    this.latency = latency;
  }

  void configure(CacheConfig config) {
    this.slowerThanMicros = config.get(CacheConfig.SLOWLOG_LOG_SLOWER_THAN);
    this.latencyThresholdMillis = config.get(CacheConfig.LATENCY_MONITOR_THRESHOLD);
    this.latencyTracking = config.get(CacheConfig.LATENCY_TRACKING);
    String percentiles = config.get(CacheConfig.LATENCY_TRACKING_INFO_PERCENTILES).trim();
    this.latencyPercentiles =
        percentiles.isEmpty()
            ? new double[0]
            : Arrays.stream(percentiles.split("\\s+")).mapToDouble(Double::parseDouble).toArray();
    slowlog.maxLen(config.get(CacheConfig.SLOWLOG_MAX_LEN));
  }

  /** INFO latencystats' percentiles (latency-tracking-info-percentiles). */
  double[] latencyPercentiles() {
    return latencyPercentiles;
  }

  /**
   * Records a command that ran for {@code nanos}; {@code sub} is its subcommand's stats, if any.
   */
  void record(Client c, Command cmd, CommandStats sub, byte[][] argv, long nanos) {
    boolean trackLatency = latencyTracking;
    if (sub != null) {
      cmd.stats().record(nanos);
      sub.record(nanos, trackLatency);
    } else {
      cmd.stats().record(nanos, trackLatency);
    }
    stats.totalCommands++;
    if (slowerThanMicros >= 0
        && nanos / 1000 >= slowerThanMicros
        && !cmd.has(Command.Flag.SKIP_SLOWLOG)) {
      slowlog.add(c, argv, nanos / 1000);
    }
    if (latencyThresholdMillis > 0 && nanos / 1_000_000 >= latencyThresholdMillis) {
      latency.add(cmd.has(Command.Flag.FAST) ? "fast-command" : "command", nanos / 1_000_000);
    }
  }
}
