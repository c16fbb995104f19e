package dev.cairn.cache.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cache's Prometheus meters ({@code cairn_cache_*}). All are read from the keyspace thread's
 * plain counters at scrape time, so the command path pays nothing for them; the per-command latency
 * histogram ({@code cairn_cache_command_duration_seconds}) is recorded by {@link Server}.
 */
public final class ServerMetrics {
  private ServerMetrics() {}

  public static void bind(Server s, MeterRegistry r) {
    for (Command c : s.commands.all()) {
      FunctionCounter.builder("cairn_cache_commands_processed", c.stats(), CommandStats::calls)
          .description("Commands processed")
          .tag("command", c.name())
          .register(r);
    }
    FunctionCounter.builder("cairn_cache_commands_processed_all", s, x -> x.totalCommands)
        .description("Commands processed, all commands")
        .register(r);
    Gauge.builder("cairn_cache_clients_connected", s, x -> x.clients.size())
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
    FunctionCounter.builder("cairn_cache_connections_received", s, x -> x.totalConnections)
        .description("Connections accepted")
        .register(r);
  }
}
