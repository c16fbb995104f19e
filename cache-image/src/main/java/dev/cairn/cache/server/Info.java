package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO [section ...]: Redis's sections and field names (what redis-cli, exporters and client
 * libraries parse). {@code used_memory} is the data-set estimate; {@code used_memory_rss} is the
 * process's resident set from /proc.
 */
public final class Info {
  /** Every section, in the order Redis 7.0 prints them whatever order they were asked in. */
  private static final List<String> ORDER =
      List.of(
          "server",
          "clients",
          "memory",
          "persistence",
          "stats",
          "replication",
          "cpu",
          "modules",
          "commandstats",
          "errorstats",
          "latencystats",
          "cluster",
          "keyspace");

  /** INFO and INFO default: all but the per-command sections. */
  private static final Set<String> DEFAULT =
      Set.of(
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

  /**
   * INFO [section ...]: sections by name (any case, unknown ones ignored), "default", "all" and
   * "everything" (the same here: no module adds sections); printed in Redis's order.
   */
  public static void info(Client c, byte[][] a) {
    Set<String> sections = new HashSet<>();
    if (a.length == 1) {
      sections.addAll(DEFAULT);
    }
    for (int i = 1; i < a.length; i++) {
      String s = Args.lower(a[i]);
      switch (s) {
        case "all", "everything" -> sections.addAll(ORDER);
        case "default" -> sections.addAll(DEFAULT);
        default -> sections.add(s);
      }
    }
    StringBuilder sb = new StringBuilder();
    Server s = c.server;
    for (String section : ORDER) {
      if (!sections.contains(section)) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append("\r\n");
      }
      switch (section) {
        case "server" -> server(sb, s);
        case "clients" -> clients(sb, s);
        case "memory" -> memory(sb, s);
        case "persistence" -> persistence(sb, s);
        case "stats" -> stats(sb, s);
        case "replication" -> replication(sb, s);
        case "cpu" -> cpu(sb);
        case "modules" -> sb.append("# Modules\r\n");
        case "commandstats" -> commandstats(sb, s);
        case "errorstats" -> errorstats(sb, s);
        case "latencystats" -> latencystats(sb, s);
        case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
        case "keyspace" -> keyspace(sb, s);
        default -> throw new IllegalStateException(section);
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
    field(
        sb,
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + ("amd64".equals(System.getProperty("os.arch"))
                ? "x86_64"
                : System.getProperty("os.arch")));
    field(sb, "arch_bits", 64);
    // System.nanoTime is clock_gettime(CLOCK_MONOTONIC) on Linux
    field(sb, "monotonic_clock", "POSIX clock_gettime");
    field(sb, "multiplexing_api", "epoll");
    field(sb, "atomicvar_api", "java");
    field(sb, "gcc_version", "0.0.0"); // what Redis prints when not built by GCC
    field(sb, "process_id", ProcessHandle.current().pid());
    field(sb, "process_supervised", "no");
    field(sb, "run_id", s.runId);
    field(sb, "tcp_port", s.config().get(CacheConfig.PORT));
    field(sb, "server_time_usec", now * 1000);
    field(sb, "uptime_in_seconds", (now - s.startedAt) / 1000);
    field(sb, "uptime_in_days", (now - s.startedAt) / 86_400_000);
    field(sb, "hz", s.config().get(CacheConfig.HZ));
    field(sb, "configured_hz", s.config().get(CacheConfig.HZ));
    field(sb, "lru_clock", (now / 1000) & 0xFFFFFF);
    field(sb, "executable", ProcessHandle.current().info().command().orElse("java"));
    field(sb, "config_file", "");
    field(sb, "io_threads_active", 0);
    field(sb, "java_version", Runtime.version());
  }

  private static void clients(StringBuilder sb, Server s) {
    sb.append("# Clients\r\n");
    field(sb, "connected_clients", s.clients.count());
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

  /**
   * Memory as Redis names it. {@code used_memory} is the data set's estimate (what maxmemory
   * counts), so the overhead Redis adds to it is 0 here and buffers are reported apart ({@code
   * mem_clients_normal}, {@code mem_replication_backlog}); the allocator is the JVM heap: allocated
   * = heap in use, active = heap committed, resident = the process's resident set.
   */
  private static void memory(StringBuilder sb, Server s) {
    long used = s.keyspace.usedMemory();
    long rss = rss();
    long max = s.maxmemory();
    Runtime rt = Runtime.getRuntime();
    long heapUsed = rt.totalMemory() - rt.freeMemory();
    long heapCommitted = rt.totalMemory();
    long peak = Math.max(s.stats.peakMemory, used);
    long system =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    long clients = 0;
    for (Client x : s.clients.all()) {
      clients += ConnectionCommands.memory(x).total();
    }
    var scripts = s.scripting.eval();
    var functions = s.scripting.functions();
    long scriptBytes = scripts.bodyBytes();
    sb.append("# Memory\r\n");
    field(sb, "used_memory", used);
    field(sb, "used_memory_human", AdminCommands.human(used));
    field(sb, "used_memory_rss", rss);
    field(sb, "used_memory_rss_human", AdminCommands.human(rss));
    field(sb, "used_memory_peak", peak);
    field(sb, "used_memory_peak_human", AdminCommands.human(peak));
    field(sb, "used_memory_peak_perc", percent(used, peak));
    field(sb, "used_memory_overhead", 0);
    field(sb, "used_memory_startup", 0);
    field(sb, "used_memory_dataset", used);
    field(sb, "used_memory_dataset_perc", percent(used, used));
    field(sb, "allocator_allocated", heapUsed);
    field(sb, "allocator_active", heapCommitted);
    field(sb, "allocator_resident", rss);
    field(sb, "total_system_memory", system);
    field(sb, "total_system_memory_human", AdminCommands.human(system));
    // Lua runs on the JVM heap, not measured apart: the scripts' own bytes stand for it
    field(sb, "used_memory_lua", scriptBytes);
    field(sb, "used_memory_vm_eval", scriptBytes);
    field(sb, "used_memory_lua_human", AdminCommands.human(scriptBytes));
    field(sb, "used_memory_scripts_eval", scriptBytes);
    field(sb, "number_of_cached_scripts", scripts.size());
    field(sb, "number_of_functions", functions.functionCount());
    field(sb, "number_of_libraries", functions.libraryCount());
    field(sb, "used_memory_vm_functions", 0);
    field(sb, "used_memory_vm_total", scriptBytes);
    field(sb, "used_memory_vm_total_human", AdminCommands.human(scriptBytes));
    field(sb, "used_memory_functions", 0);
    field(sb, "used_memory_scripts", scriptBytes);
    field(sb, "used_memory_scripts_human", AdminCommands.human(scriptBytes));
    field(sb, "maxmemory", max);
    field(sb, "maxmemory_human", AdminCommands.human(max));
    field(sb, "maxmemory_policy", s.config().get(CacheConfig.MAXMEMORY_POLICY));
    field(sb, "allocator_frag_ratio", ratio(heapCommitted, heapUsed));
    field(sb, "allocator_frag_bytes", heapCommitted - heapUsed);
    field(sb, "allocator_rss_ratio", ratio(rss, heapCommitted));
    field(sb, "allocator_rss_bytes", rss - heapCommitted);
    field(sb, "rss_overhead_ratio", "1.00");
    field(sb, "rss_overhead_bytes", 0);
    field(sb, "mem_fragmentation_ratio", ratio(rss, used));
    field(sb, "mem_fragmentation_bytes", rss - used);
    field(sb, "mem_not_counted_for_evict", 0);
    field(sb, "mem_replication_backlog", s.replication.backlogBytes());
    field(sb, "mem_total_replication_buffers", s.replication.backlogBytes());
    field(sb, "mem_clients_slaves", 0);
    field(sb, "mem_clients_normal", clients);
    field(sb, "mem_cluster_links", 0);
    field(sb, "mem_aof_buffer", 0);
    field(sb, "mem_allocator", "jvm-" + gcName());
    field(sb, "active_defrag_running", 0);
    field(sb, "lazyfree_pending_objects", 0);
    field(sb, "lazyfreed_objects", 0);
    field(sb, "used_memory_heap_committed", heapCommitted);
    field(sb, "used_memory_heap_used", heapUsed);
  }

  private static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : part * 100.0 / whole);
  }

  private static String ratio(long a, long b) {
    return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
  }

  private static String gcName() {
    var beans = ManagementFactory.getGarbageCollectorMXBeans();
    return beans.isEmpty() ? "unknown" : beans.get(0).getName().replace(' ', '-');
  }

  private static void persistence(StringBuilder sb, Server s) {
    sb.append("# Persistence\r\n");
    field(sb, "loading", 0);
    field(sb, "async_loading", 0);
    // snapshots are written from this process, without fork: nothing is copied on write
    field(sb, "current_cow_peak", 0);
    field(sb, "current_cow_size", 0);
    field(sb, "current_cow_size_age", 0);
    field(sb, "current_fork_perc", "0.00");
    s.persistence.info(sb);
    s.aof.info(sb);
  }

  private static void stats(StringBuilder sb, Server s) {
    sb.append("# Stats\r\n");
    field(sb, "total_connections_received", s.stats.totalConnections);
    field(sb, "total_commands_processed", s.stats.totalCommands);
    field(sb, "instantaneous_ops_per_sec", s.stats.opsRate.perSecond());
    field(sb, "total_net_input_bytes", s.stats.netInputBytes);
    field(sb, "total_net_output_bytes", s.stats.netOutputBytes);
    field(sb, "total_net_repl_input_bytes", 0);
    field(sb, "total_net_repl_output_bytes", 0);
    field(sb, "instantaneous_input_kbps", kbps(s.stats.inputRate));
    field(sb, "instantaneous_output_kbps", kbps(s.stats.outputRate));
    field(sb, "instantaneous_input_repl_kbps", "0.00");
    field(sb, "instantaneous_output_repl_kbps", "0.00");
    field(sb, "rejected_connections", s.stats.rejectedConnections);
    s.replication.stats(sb);
    field(sb, "expired_keys", s.keyspace.expired);
    field(sb, "expired_stale_perc", "0.00");
    field(sb, "expired_time_cap_reached_count", 0);
    field(sb, "expire_cycle_cpu_milliseconds", 0);
    field(sb, "evicted_keys", s.keyspace.evicted);
    field(sb, "evicted_clients", 0);
    field(sb, "total_eviction_exceeded_time", 0);
    field(sb, "current_eviction_exceeded_time", 0);
    field(sb, "keyspace_hits", s.keyspace.hits);
    field(sb, "keyspace_misses", s.keyspace.misses);
    field(sb, "pubsub_channels", s.pubsub.channels().size());
    field(sb, "pubsub_patterns", s.pubsub.patternCount());
    field(sb, "pubsubshard_channels", s.pubsub.shardChannels().size());
    field(sb, "latest_fork_usec", 0);
    field(sb, "total_forks", 0);
    field(sb, "migrate_cached_sockets", 0);
    field(sb, "slave_expires_tracked_keys", 0);
    field(sb, "active_defrag_hits", 0);
    field(sb, "active_defrag_misses", 0);
    field(sb, "active_defrag_key_hits", 0);
    field(sb, "active_defrag_key_misses", 0);
    field(sb, "total_active_defrag_time", 0);
    field(sb, "current_active_defrag_time", 0);
    field(sb, "tracking_total_keys", s.tracking.keys());
    field(sb, "tracking_total_items", s.tracking.items());
    field(sb, "tracking_total_prefixes", s.tracking.prefixCount());
    field(sb, "unexpected_error_replies", 0);
    field(sb, "total_error_replies", s.commandStats.errorReplies());
    field(sb, "dump_payload_sanitizations", 0);
    field(sb, "total_reads_processed", s.stats.readsProcessed);
    field(sb, "total_writes_processed", s.stats.writesProcessed);
    field(sb, "io_threaded_reads_processed", 0);
    field(sb, "io_threaded_writes_processed", 0);
    field(sb, "reply_buffer_shrinks", 0);
    field(sb, "reply_buffer_expands", 0);
  }

  private static String kbps(InstantaneousRate bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes.perSecond() / 1024.0);
  }

  private static void replication(StringBuilder sb, Server s) {
    sb.append("# Replication\r\n");
    s.replication.info(sb);
  }

  /**
   * CPU seconds from /proc/self/stat (utime, stime and the children's, in clock ticks of 1/100 s);
   * the "main thread" is the keyspace thread that runs every command, which is the one answering.
   */
  private static void cpu(StringBuilder sb) {
    sb.append("# CPU\r\n");
    double[] ticks = new double[4];
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      for (int i = 0; i < 4; i++) {
        ticks[i] = Long.parseLong(f[11 + i]) / 100.0; // fields 14..17 of proc(5)
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: reported as 0
    }
    var threads = ManagementFactory.getThreadMXBean();
    double mainTotal = Math.max(0, threads.getCurrentThreadCpuTime()) / 1e9;
    double mainUser = Math.max(0, threads.getCurrentThreadUserTime()) / 1e9;
    field(sb, "used_cpu_sys", seconds(ticks[1]));
    field(sb, "used_cpu_user", seconds(ticks[0]));
    field(sb, "used_cpu_sys_children", seconds(ticks[3]));
    field(sb, "used_cpu_user_children", seconds(ticks[2]));
    field(sb, "used_cpu_sys_main_thread", seconds(Math.max(0, mainTotal - mainUser)));
    field(sb, "used_cpu_user_main_thread", seconds(mainUser));
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.6f", s);
  }

  /** cmdstat_NAME lines; a container's calls are counted per subcommand, as "config|get". */
  private static void commandstats(StringBuilder sb, Server s) {
    sb.append("# Commandstats\r\n");
    for (Command cmd : s.commands.all()) {
      Map<String, CommandStats> subs = s.commandStats.subcommands(cmd);
      CommandStats own = cmd.stats();
      long calls = own.calls;
      long micros = own.micros;
      long rejected = own.rejected;
      long failed = own.failed;
      for (Map.Entry<String, CommandStats> e : subs.entrySet()) {
        CommandStats st = e.getValue();
        cmdstat(sb, cmd.name() + "|" + e.getKey(), st.calls, st.micros, st.rejected, st.failed);
        calls -= st.calls;
        micros -= st.micros;
        rejected -= st.rejected;
        failed -= st.failed;
      }
      // the container's own line: calls no subcommand of it took (arity errors, unknown ones)
      cmdstat(sb, cmd.name(), calls, Math.max(0, micros), rejected, failed);
    }
  }

  private static void cmdstat(
      StringBuilder sb, String name, long calls, long micros, long rejected, long failed) {
    if (calls <= 0 && rejected <= 0 && failed <= 0) {
      return;
    }
    sb.append("cmdstat_")
        .append(name)
        .append(":calls=")
        .append(calls)
        .append(",usec=")
        .append(micros)
        .append(",usec_per_call=")
        .append(String.format(Locale.ROOT, "%.2f", calls <= 0 ? 0.0 : (double) micros / calls))
        .append(",rejected_calls=")
        .append(rejected)
        .append(",failed_calls=")
        .append(failed)
        .append("\r\n");
  }

  /** errorstat_CODE:count=N, by the error's first word. */
  private static void errorstats(StringBuilder sb, Server s) {
    sb.append("# Errorstats\r\n");
    s.commandStats
        .errorCodes()
        .forEach((code, count) ->
            sb.append("errorstat_").append(code).append(":count=").append(count).append("\r\n"));
  }

  /** latency_percentiles_usec_NAME:p50=...,p99=...,p99.9=... per command called since reset. */
  private static void latencystats(StringBuilder sb, Server s) {
    sb.append("# Latencystats\r\n");
    double[] percentiles = s.timings.latencyPercentiles();
    for (Command cmd : s.commands.all()) {
      latency(sb, cmd.name(), cmd.stats().latency, percentiles);
      for (Map.Entry<String, CommandStats> e : s.commandStats.subcommands(cmd).entrySet()) {
        latency(sb, cmd.name() + "|" + e.getKey(), e.getValue().latency, percentiles);
      }
    }
  }

  /** "50", "99.9": %f with its trailing zeros trimmed, as Redis labels percentiles. */
  private static String percentileLabel(double p) {
    String f = String.format(Locale.ROOT, "%f", p);
    f = f.replaceAll("0+$", "");
    return f.endsWith(".") ? f.substring(0, f.length() - 1) : f;
  }

  private static void latency(
      StringBuilder sb, String name, LatencyHistogram h, double[] percentiles) {
    if (h == null || h.total() == 0) {
      return;
    }
    sb.append("latency_percentiles_usec_").append(name).append(':');
    for (int i = 0; i < percentiles.length; i++) {
      sb.append(i == 0 ? "" : ",")
          .append('p')
          .append(percentileLabel(percentiles[i]))
          .append('=')
          .append(String.format(Locale.ROOT, "%.3f", (double) h.valueAt(percentiles[i])));
    }
    sb.append("\r\n");
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
            .append(",avg_ttl=")
            .append(averageTtl(db))
            .append("\r\n");
      }
    }
  }

  /**
   * The average time to live in ms of keys with one, estimated from up to 20 sampled keys (Redis
   * too estimates it, from its active expiry's samples); 0 when none.
   */
  private static long averageTtl(Database db) {
    if (db.expiresCount() == 0) {
      return 0;
    }
    long now = System.currentTimeMillis();
    long sum = 0;
    int n = 0;
    for (int i = 0; i < 20; i++) {
      Dict.Entry sampled = db.expires().random();
      if (sampled != null && sampled.value instanceof Dict.KeyEntry e && e.expireAt > now) {
        sum += e.expireAt - now;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }
}
