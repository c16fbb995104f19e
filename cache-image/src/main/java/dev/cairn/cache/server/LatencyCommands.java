package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LATENCY LATEST | HISTORY event | GRAPH event | RESET [event ...] | DOCTOR | HISTOGRAM [command
 * ...] | HELP, over {@link LatencyMonitor} and the per-command histograms, answered as Redis 7.0's
 * latency.c answers them.
 */
final class LatencyCommands {
  private static final int GRAPH_COLUMNS = 80;

  private LatencyCommands() {}

  static void latency(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    Map<String, LatencyMonitor.Series> events = c.server.latency.events();
    switch (sub) {
      case "histogram" -> histogram(c, a);
      case "latest" -> {
        c.reply.array(events.size());
        events.forEach((name, s) -> {
          c.reply.array(4);
          c.reply.bulk(name);
          c.reply.integer(s.latestSecond());
          c.reply.integer(s.latestMillis());
          c.reply.integer(s.max);
        });
      }
      case "history" -> {
        LatencyMonitor.Series s = events.get(Args.str(a[2]));
        int n = s == null ? 0 : s.count;
        c.reply.array(n);
        for (int i = 0; i < n; i++) {
          int at = (s.next - n + i + LatencyMonitor.SAMPLES) % LatencyMonitor.SAMPLES;
          c.reply.array(2);
          c.reply.integer(s.seconds[at]);
          c.reply.integer(s.millis[at]);
        }
      }
      case "graph" -> {
        String event = Args.str(a[2]);
        LatencyMonitor.Series s = events.get(event);
        if (s == null) {
          throw new CommandError("ERR No samples available for event '" + event + "'");
        }
        c.reply.verbatim(graph(event, s));
      }
      case "reset" -> {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
          names.add(Args.str(a[i]));
        }
        c.reply.integer(c.server.latency.reset(names));
      }
      case "doctor" -> c.reply.verbatim(doctor(c.server));
      case "help" -> {
        c.replyHelp(
            "LATENCY",
            List.of(
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram"
                    + " for the specified command names.",
                "    If no commands are specified then all histograms are replied."));
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try LATENCY HELP.");
    }
  }

  /** latencyCommandGenSparkeline: the header, a rule, and the samples as a filled sparkline. */
  static String graph(String event, LatencyMonitor.Series s) {
    long now = System.currentTimeMillis() / 1000;
    List<Sparkline.Sample> samples = new ArrayList<>();
    long min = 0;
    long max = 0;
    for (int i = 0; i < s.count; i++) {
      int at = (s.next - s.count + i + LatencyMonitor.SAMPLES) % LatencyMonitor.SAMPLES;
      long v = s.millis[at];
      min = samples.isEmpty() ? v : Math.min(min, v);
      max = samples.isEmpty() ? v : Math.max(max, v);
      long elapsed = now - s.seconds[at];
      String label =
          elapsed < 60
              ? elapsed + "s"
              : elapsed < 3600
                  ? elapsed / 60 + "m"
                  : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d";
      samples.add(new Sparkline.Sample(v, label));
    }
    StringBuilder sb = new StringBuilder();
    sb.append(event)
        .append(" - high ")
        .append(max)
        .append(" ms, low ")
        .append(min)
        .append(" ms (all time high ")
        .append(s.max)
        .append(" ms)\n");
    sb.append("-".repeat(GRAPH_COLUMNS)).append('\n');
    Sparkline.render(sb, samples, GRAPH_COLUMNS, 4);
    return sb.toString();
  }

  /** createLatencyReport, for the events Cairn records, with Redis's advice texts. */
  static String doctor(Server server) {
    Map<String, LatencyMonitor.Series> events = server.latency.events();
    CacheConfig cfg = server.config();
    long threshold = cfg.get(CacheConfig.LATENCY_MONITOR_THRESHOLD);
    if (events.isEmpty() && threshold == 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis"
          + " instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in"
          + " order to enable it. If we weren't in a deep space mission I'd suggest to take a look"
          + " at https://redis.io/topics/latency-monitor.\n";
    }
    StringBuilder report = new StringBuilder();
    Map<String, Boolean> advice = new LinkedHashMap<>();
    int advices = 0;
    int eventNum = 0;
    long slowerThan = cfg.get(CacheConfig.SLOWLOG_LOG_SLOWER_THAN);
    for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
      String event = e.getKey();
      LatencyMonitor.Series s = e.getValue();
      eventNum++;
      if (eventNum == 1) {
        report.append(
            "Dave, I have observed latency spikes in this Redis instance. You don't mind talking"
                + " about it, do you Dave?\n\n");
      }
      long[] stats = stats(s);
      report.append(
          String.format(
              Locale.ROOT,
              "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec)."
                  + " Worst all time event %dms.",
              eventNum,
              event,
              stats[0],
              stats[1],
              stats[2],
              (double) stats[3] / stats[0],
              s.max));
      switch (event) {
        case "command" -> {
          if (slowerThan < 0) {
            advice.put("slowlog-enabled", true);
            advices++;
          } else if (slowerThan / 1000 > threshold) {
            advice.put("slowlog-tuning", true);
            advices++;
          }
          advice.put("slowlog-inspect", true);
          advice.put("large-objects", true);
          advices += 2;
        }
        case "fast-command" -> {
          advice.put("scheduler", true);
          advices++;
        }
        case "expire-cycle" -> {
          advice.put("hz", true);
          advice.put("large-objects", true);
          advices += 2;
        }
        case "eviction-del" -> {
          advice.put("large-objects", true);
          advices++;
        }
        case "eviction-cycle" -> {
          advice.put("mass-eviction", true);
          advices++;
        }
        default -> {}
      }
      report.append('\n');
    }
    if (anonHugePages() > 0) {
      advice.put("disable-thp", true);
      advices++;
    }
    if (eventNum == 0 && advices == 0) {
      report.append(
          "Dave, no latency spike was observed during the lifetime of this Redis instance, not in"
              + " the slightest bit. I honestly think you ought to sit down calmly, take a stress"
              + " pill, and think things over.\n");
    } else if (eventNum > 0 && advices == 0) {
      report.append(
          "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please"
              + " use the Redis community to get some help, providing this report in your help"
              + " request.\n");
    } else {
      report.append("\nI have a few advices for you:\n\n");
      appendAdvice(report, advice, threshold, cfg.get(CacheConfig.HZ));
    }
    return report.toString();
  }

  private static void appendAdvice(
      StringBuilder report, Map<String, Boolean> advice, long threshold, int hz) {
    if (advice.containsKey("slowlog-enabled")) {
      report.append(
          "- There are latency issues with potentially slow commands you are using. Try to enable"
              + " the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than "
              + threshold * 1000
              + "'. If the Slow log is disabled Redis is not able to log slow commands execution"
              + " for you.\n");
    }
    if (advice.containsKey("slowlog-tuning")) {
      report.append(
          "- Your current Slow Log configuration only logs events that are slower than your"
              + " configured latency monitor threshold. Please use 'CONFIG SET"
              + " slowlog-log-slower-than "
              + threshold * 1000
              + "'.\n");
    }
    if (advice.containsKey("slowlog-inspect")) {
      report.append(
          "- Check your Slow Log to understand what are the commands you are running which are"
              + " too slow to execute. Please check https://redis.io/commands/slowlog for more"
              + " information.\n");
    }
    if (advice.containsKey("scheduler")) {
      report.append(
          "- The system is slow to execute Redis code paths not containing system calls. This"
              + " usually means the system does not provide Redis CPU time to run for long"
              + " periods. You should try to:\n"
              + "  1) Lower the system load.\n"
              + "  2) Use a computer / VM just for Redis if you are running other software in the"
              + " same system.\n"
              + "  3) Check if you have a \"noisy neighbour\" problem.\n"
              + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency"
              + " in your system.\n"
              + "  5) Check if the problem is allocator-related by recompiling Redis with"
              + " MALLOC=libc, if you are using Jemalloc. However this may create fragmentation"
              + " problems.\n");
    }
    if (advice.containsKey("hz") && hz < 100) {
      report.append(
          "- In order to make the Redis keys expiring process more incremental, try to set the"
              + " 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
    }
    if (advice.containsKey("large-objects")) {
      report.append(
          "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a"
              + " blocking operation. If you have very large objects that are often deleted,"
              + " expired, or evicted, try to fragment those objects into multiple smaller"
              + " objects.\n");
    }
    if (advice.containsKey("mass-eviction")) {
      report.append(
          "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large"
              + " objects via sets or sorted sets intersections, STORE option of SORT, Redis"
              + " Cluster large keys migrations (RESTORE command), may create sudden memory"
              + " pressure forcing the server to block trying to evict keys. \n");
    }
    if (advice.containsKey("disable-thp")) {
      report.append(
          "- I detected a non zero amount of anonymous huge pages used by your process. This"
              + " creates very serious latency events in different conditions, especially when"
              + " Redis is persisting on disk. To disable THP support use the command 'echo never"
              + " > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into"
              + " /etc/rc.local so that the command will be executed again after a reboot. Note"
              + " that even if you have already disabled THP, you still need to restart the Redis"
              + " process to get rid of the huge pages already created.\n");
    }
  }

  /** analyzeLatencyForEvent: samples, average, mean absolute deviation, period in seconds. */
  private static long[] stats(LatencyMonitor.Series s) {
    long sum = 0;
    long oldest = 0;
    for (int i = 0; i < s.count; i++) {
      int at = (s.next - s.count + i + LatencyMonitor.SAMPLES) % LatencyMonitor.SAMPLES;
      sum += s.millis[at];
      oldest = oldest == 0 ? s.seconds[at] : Math.min(oldest, s.seconds[at]);
    }
    long avg = s.count == 0 ? 0 : sum / s.count;
    long period = s.count == 0 ? 0 : System.currentTimeMillis() / 1000 - oldest;
    if (s.count > 0 && period == 0) {
      period = 1;
    }
    long dev = 0;
    for (int i = 0; i < s.count; i++) {
      int at = (s.next - s.count + i + LatencyMonitor.SAMPLES) % LatencyMonitor.SAMPLES;
      dev += Math.abs(avg - s.millis[at]);
    }
    return new long[] {s.count, avg, s.count == 0 ? 0 : dev / s.count, period};
  }

  /** THPGetAnonHugePagesSize: the process's AnonHugePages, in kB. */
  private static long anonHugePages() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
        if (line.startsWith("AnonHugePages:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /**
   * LATENCY HISTOGRAM [command ...]: per command called since the last CONFIG RESETSTAT, its calls
   * and cumulative latency distribution ({@link LatencyHistogram#cumulative}); a container named
   * gives its subcommands; unknown names are skipped.
   */
  private static void histogram(Client c, byte[][] a) {
    Map<String, LatencyHistogram> found = new LinkedHashMap<>();
    List<Command> wanted = new ArrayList<>();
    if (a.length == 2) {
      wanted.addAll(c.server.commands.all());
    }
    for (int i = 2; i < a.length; i++) {
      String name = Args.lower(a[i]);
      int bar = name.indexOf('|');
      Command cmd = c.server.commands.get(bar < 0 ? name : name.substring(0, bar));
      if (cmd == null) {
        continue;
      }
      if (bar < 0) {
        wanted.add(cmd);
      } else {
        CommandStats st = c.server.commandStats.subcommands(cmd).get(name.substring(bar + 1));
        if (st != null && st.latency != null) {
          found.put(name, st.latency);
        }
      }
    }
    for (Command cmd : wanted) {
      if (cmd.stats().latency != null) {
        found.put(cmd.name(), cmd.stats().latency);
      }
      c.server
          .commandStats
          .subcommands(cmd)
          .forEach((sub, st) -> {
            if (st.latency != null) {
              found.put(cmd.name() + "|" + sub, st.latency);
            }
          });
    }
    c.reply.map(found.size());
    found.forEach((name, h) -> {
      c.reply.bulk(name);
      c.reply.map(2);
      c.reply.bulk("calls");
      c.reply.integer(h.total());
      c.reply.bulk("histogram_usec");
      List<long[]> cdf = h.cumulative();
      c.reply.map(cdf.size());
      for (long[] point : cdf) {
        c.reply.integer(point[0]);
        c.reply.integer(point[1]);
      }
    });
  }
}
