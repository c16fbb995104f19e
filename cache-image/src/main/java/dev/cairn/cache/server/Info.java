package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INFO [section ...]: Redis's sections and field names (what redis-cli, exporters and client
 * libraries parse). {@code used_memory} is the data-set estimate; {@code used_memory_rss} is the
 * process's resident set from /proc.
 */
public final class Info {
  private static final List<String> DEFAULT =
      List.of(
          "server",
          "clients",
          "memory",
          "persistence",
          "stats",
          "replication",
          "cpu",
          "modules",
          "errorstats",
          "cluster",
          "keyspace");

  private Info() {}

  public static void info(Client c, byte[][] a) {
    Set<String> sections = new LinkedHashSet<>();
    if (a.length == 1) {
      sections.addAll(DEFAULT);
    }
    for (int i = 1; i < a.length; i++) {
      String s = Args.lower(a[i]);
      switch (s) {
        case "all", "everything" -> {
          sections.addAll(DEFAULT);
          sections.add("commandstats");
        }
        case "default" -> sections.addAll(DEFAULT);
        default -> sections.add(s);
      }
    }
    StringBuilder sb = new StringBuilder();
    Server s = c.server;
    for (String section : sections) {
      int before = sb.length();
      switch (section) {
        case "server" -> server(sb, s);
        case "clients" -> clients(sb, s);
        case "memory" -> memory(sb, s);
        case "persistence" -> persistence(sb, s);
        case "stats" -> stats(sb, s);
        case "replication" -> replication(sb, s);
        case "cpu" -> cpu(sb);
        case "modules" -> sb.append("# Modules\r\n");
        case "errorstats" -> sb.append("# Errorstats\r\n");
        case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
        case "commandstats" -> commandstats(sb, s);
        case "keyspace" -> keyspace(sb, s);
        default -> {}
      }
      if (sb.length() > before) {
        sb.append("\r\n");
      }
    }
    c.reply.verbatim(sb.toString());
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  private static void server(StringBuilder sb, Server s) {
    long now = System.currentTimeMillis();
    sb.append("# Server\r\n");
    field(sb, "redis_version", ConnectionCommands.REDIS_VERSION);
    field(sb, "redis_git_sha1", "00000000");
    field(sb, "redis_git_dirty", 0);
    field(sb, "redis_build_id", "cairn");
    field(sb, "redis_mode", "standalone");
    field(sb, "server_name", "cairn-cache");
    field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    field(sb, "arch_bits", 64);
    field(sb, "multiplexing_api", "epoll");
    field(sb, "atomicvar_api", "java");
    field(sb, "process_id", ProcessHandle.current().pid());
    field(sb, "run_id", s.runId);
    field(sb, "tcp_port", s.config().get(CacheConfig.PORT));
    field(sb, "server_time_usec", now * 1000);
    field(sb, "uptime_in_seconds", (now - s.startedAt) / 1000);
    field(sb, "uptime_in_days", (now - s.startedAt) / 86_400_000);
    field(sb, "hz", s.config().get(CacheConfig.HZ));
    field(sb, "configured_hz", s.config().get(CacheConfig.HZ));
    field(sb, "lru_clock", (now / 1000) & 0xFFFFFF);
    field(sb, "executable", "java");
    field(sb, "config_file", "");
    field(sb, "io_threads_active", 0);
    field(sb, "java_version", Runtime.version());
  }

  private static void clients(StringBuilder sb, Server s) {
    sb.append("# Clients\r\n");
    field(sb, "connected_clients", s.clientCount());
    field(sb, "cluster_connections", 0);
    field(sb, "maxclients", s.config().get(CacheConfig.MAXCLIENTS));
    field(sb, "client_recent_max_input_buffer", 0);
    field(sb, "client_recent_max_output_buffer", 0);
    field(sb, "blocked_clients", s.blocking.blockedCount() + s.pause.waitingCount());
    field(sb, "tracking_clients", s.tracking.clients());
    field(sb, "clients_in_timeout_table", s.blocking.blockedCount());
  }

  /** The process's resident set size in bytes (Linux /proc), 0 if unknown. */
  public static long rss() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(statm[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static void memory(StringBuilder sb, Server s) {
    long used = s.keyspace.usedMemory();
    long rss = rss();
    long max = s.maxmemory();
    Runtime rt = Runtime.getRuntime();
    sb.append("# Memory\r\n");
    field(sb, "used_memory", used);
    field(sb, "used_memory_human", AdminCommands.human(used));
    field(sb, "used_memory_rss", rss);
    field(sb, "used_memory_rss_human", AdminCommands.human(rss));
    long peak = Math.max(s.peakMemory, used);
    field(sb, "used_memory_peak", peak);
    field(sb, "used_memory_peak_human", AdminCommands.human(peak));
    long system =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    field(sb, "total_system_memory", system);
    field(sb, "total_system_memory_human", AdminCommands.human(system));
    field(sb, "used_memory_dataset", used);
    field(sb, "used_memory_heap_committed", rt.totalMemory());
    field(sb, "used_memory_heap_used", rt.totalMemory() - rt.freeMemory());
    field(sb, "maxmemory", max);
    field(sb, "maxmemory_human", AdminCommands.human(max));
    field(sb, "maxmemory_policy", s.config().get(CacheConfig.MAXMEMORY_POLICY));
    field(
        sb,
        "mem_fragmentation_ratio",
        String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
    field(sb, "mem_allocator", "jvm-" + gcName());
  }

  private static String gcName() {
    var beans = ManagementFactory.getGarbageCollectorMXBeans();
    return beans.isEmpty() ? "unknown" : beans.get(0).getName().replace(' ', '-');
  }

  private static void persistence(StringBuilder sb, Server s) {
    sb.append("# Persistence\r\n");
    field(sb, "loading", 0);
    field(sb, "async_loading", 0);
    s.persistence.info(sb);
    s.aof.info(sb);
  }

  private static void stats(StringBuilder sb, Server s) {
    sb.append("# Stats\r\n");
    field(sb, "total_connections_received", s.totalConnections);
    field(sb, "total_commands_processed", s.totalCommands);
    field(sb, "instantaneous_ops_per_sec", s.opsRate.perSecond());
    field(sb, "total_net_input_bytes", s.netInputBytes);
    field(sb, "total_net_output_bytes", s.netOutputBytes);
    field(sb, "instantaneous_input_kbps", kbps(s.inputRate));
    field(sb, "instantaneous_output_kbps", kbps(s.outputRate));
    field(sb, "rejected_connections", s.rejectedConnections);
    s.replication.stats(sb);
    field(sb, "expired_keys", s.keyspace.expired);
    field(sb, "evicted_keys", s.keyspace.evicted);
    field(sb, "keyspace_hits", s.keyspace.hits);
    field(sb, "keyspace_misses", s.keyspace.misses);
    field(sb, "pubsub_channels", s.pubsub.channels().size());
    field(sb, "pubsub_patterns", s.pubsub.patternCount());
    field(sb, "tracking_total_keys", s.tracking.keys());
    field(sb, "tracking_total_items", s.tracking.items());
    field(sb, "tracking_total_prefixes", s.tracking.prefixCount());
    field(sb, "total_error_replies", s.errorReplies);
    field(sb, "total_reads_processed", s.readsProcessed);
    field(sb, "total_writes_processed", s.writesProcessed);
  }

  private static String kbps(InstantaneousRate bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes.perSecond() / 1024.0);
  }

  private static void replication(StringBuilder sb, Server s) {
    sb.append("# Replication\r\n");
    s.replication.info(sb);
  }

  private static void cpu(StringBuilder sb) {
    sb.append("# CPU\r\n");
    var os = ManagementFactory.getOperatingSystemMXBean();
    double cpu =
        os instanceof com.sun.management.OperatingSystemMXBean sun
            ? sun.getProcessCpuTime() / 1e9
            : 0;
    field(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", 0.0));
    field(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu));
  }

  private static void commandstats(StringBuilder sb, Server s) {
    sb.append("# Commandstats\r\n");
    for (Command cmd : s.commands.all()) {
      CommandStats st = cmd.stats();
      if (st.calls == 0 && st.rejected == 0) {
        continue;
      }
      sb.append("cmdstat_")
          .append(cmd.name())
          .append(":calls=")
          .append(st.calls)
          .append(",usec=")
          .append(st.micros)
          .append(",usec_per_call=")
          .append(
              String.format(
                  Locale.ROOT, "%.2f", st.calls == 0 ? 0.0 : (double) st.micros / st.calls))
          .append(",rejected_calls=")
          .append(st.rejected)
          .append(",failed_calls=")
          .append(st.failed)
          .append("\r\n");
    }
  }

  private static void keyspace(StringBuilder sb, Server s) {
    sb.append("# Keyspace\r\n");
    for (int i = 0; i < s.keyspace.count(); i++) {
      Database db = s.keyspace.db(i);
      if (db.size() > 0) {
        sb.append("db")
            .append(i)
            .append(":keys=")
            .append(db.size())
            .append(",expires=")
            .append(db.expiresCount())
            .append(",avg_ttl=0\r\n");
      }
    }
  }
}
