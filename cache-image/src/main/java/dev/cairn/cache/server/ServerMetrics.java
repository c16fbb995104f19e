package dev.cairn.cache.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The cache's Prometheus meters ({@code cairn_cache_*}). All are read from the keyspace thread's
 * plain counters at scrape time, so the command path pays nothing for them — including the
 * per-command latency histogram ({@code cairn_cache_command_duration_seconds}), whose buckets
 * {@link CommandStats} counts with plain increments: a Micrometer timer's atomic histogram cost
 * about a tenth of the throughput of GET and SET.
 */
public final class ServerMetrics {
  private ServerMetrics() {}

  public static void bind(Server s, PrometheusMeterRegistry r) {
    r.getPrometheusRegistry().register(() -> latency(s));
    for (Command c : s.commands.all()) {
      FunctionCounter.builder("cairn_cache_commands_processed", c.stats(), CommandStats::calls)
          .description("Commands processed")
          .tag("command", c.name())
          .register(r);
    }
    FunctionCounter.builder("cairn_cache_commands_processed_all", s, x -> x.stats.totalCommands)
        .description("Commands processed, all commands")
        .register(r);
    Gauge.builder("cairn_cache_clients_connected", s, x -> x.clients.count())
        .description("Connected clients")
        .register(r);
    Gauge.builder("cairn_cache_clients_blocked", s, x -> x.blocking.blockedCount())
        .description("Clients blocked in a blocking command")
        .register(r);
    Gauge.builder("cairn_cache_memory_used_bytes", s, x -> x.keyspace.usedMemory())
        .description("Estimated bytes held by the data set (INFO used_memory)")
        .register(r);
    Gauge.builder("cairn_cache_memory_max_bytes", s, Server::maxmemory)
        .description("maxmemory (0 = no limit)")
        .register(r);
    for (int i = 0; i < s.keyspace.count(); i++) {
      int db = i;
      Gauge.builder("cairn_cache_keys", s, x -> x.keyspace.db(db).size())
          .description("Keys per database")
          .tag("db", "db" + db)
          .register(r);
    }
    FunctionCounter.builder("cairn_cache_expired_keys", s, x -> x.keyspace.expired)
        .description("Keys removed because their TTL passed")
        .register(r);
    FunctionCounter.builder("cairn_cache_evicted_keys", s, x -> x.keyspace.evicted)
        .description("Keys evicted under maxmemory")
        .register(r);
    FunctionCounter.builder("cairn_cache_keyspace_hits", s, x -> x.keyspace.hits)
        .description("Key lookups that found the key")
        .register(r);
    FunctionCounter.builder("cairn_cache_keyspace_misses", s, x -> x.keyspace.misses)
        .description("Key lookups that did not find the key")
        .register(r);
    Gauge.builder("cairn_cache_replication_offset", s, x -> x.replication.offset())
        .description("Replication offset: master_repl_offset (a replica: what it has processed)")
        .register(r);
    Gauge.builder("cairn_cache_replication_is_replica", s, x -> x.replication.isReplica() ? 1 : 0)
        .description("1 on a replica (role:slave), 0 on a primary")
        .register(r);
    Gauge.builder(
            "cairn_cache_replication_connected_replicas", s, x -> x.replication.connectedReplicas())
        .description("Replicas attached to this server (connected_slaves)")
        .register(r);
    FunctionCounter.builder("cairn_cache_connections_received", s, x -> x.stats.totalConnections)
        .description("Connections accepted")
        .register(r);
  }

  private static final double[] BOUNDS_SECONDS = new double[CommandStats.BOUNDS_NANOS.length + 1];

  static {
    for (int i = 0; i < CommandStats.BOUNDS_NANOS.length; i++) {
      BOUNDS_SECONDS[i] = CommandStats.BOUNDS_NANOS[i] / 1e9;
    }
    BOUNDS_SECONDS[CommandStats.BOUNDS_NANOS.length] = Double.POSITIVE_INFINITY;
  }

  private static HistogramSnapshot latency(Server s) {
    var h =
        HistogramSnapshot.builder()
            .name("cairn_cache_command_duration_seconds")
            .help("Command execution time on the keyspace thread")
            .unit(Unit.SECONDS);
    for (Command c : s.commands.all()) {
      CommandStats st = c.stats();
      long[] counts = st.buckets.clone();
      long n = 0;
      for (long x : counts) {
        n += x;
      }
      if (n > 0) {
        h.dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts))
                .sum(st.totalNanos / 1e9)
                .labels(Labels.of("command", c.name(), "engine", "cache"))
                .build());
      }
    }
    return h.build();
  }
}
