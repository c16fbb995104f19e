package dev.cairn.cache.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What INFO commandstats and errorstats report beyond each command's own {@link CommandStats}:
 * statistics per subcommand ("config|get", as Redis 7.0 counts containers' calls) and error replies
 * by their first word (ERR, WRONGTYPE...), at most 128 codes. Keyspace thread only; metrics scrapes
 * read the counters (stale values are fine there).
 */
public final class CommandStatistics {
  private static final int MAX_ERROR_CODES = 128;

  private final CommandTable commands;
  private final Map<String, Map<String, CommandStats>> subcommands = new HashMap<>();
  private final Map<String, Long> errorCodes = new TreeMap<>();
  private long errorReplies;

  /** Statistics for {@code commands}, with an entry for every subcommand of the catalog. */
  CommandStatistics(CommandTable commands, CommandCatalog catalog) {
    this.commands = commands;
    for (CommandCatalog.Entry e : catalog.all()) {
      for (CommandCatalog.Entry sub : e.subcommands()) {
        subcommands
            .computeIfAbsent(e.name(), k -> new LinkedHashMap<>())
            .put(sub.name().substring(e.name().length() + 1), new CommandStats());
      }
    }
  }

  /** The statistics of the subcommand this call names, null for a plain command or unknown one. */
  CommandStats of(Command cmd, byte[][] argv) {
    Map<String, CommandStats> subs = subcommands.get(cmd.name());
    if (subs == null || argv == null || argv.length < 2) {
      return null;
    }
    return subs.get(Args.lower(argv[1]));
  }

  /** Each container's subcommand statistics by subcommand name (INFO commandstats). */
  public Map<String, CommandStats> subcommands(Command cmd) {
    return subcommands.getOrDefault(cmd.name(), Map.of());
  }

  /** Counts one error reply, by code, for INFO errorstats and total_error_replies. */
  void countError(String message) {
    errorReplies++;
    int space = message.indexOf(' ');
    String code = space < 0 ? message : message.substring(0, space);
    if (errorCodes.containsKey(code) || errorCodes.size() < MAX_ERROR_CODES) {
      errorCodes.merge(code, 1L, Long::sum);
    }
  }

  /** A command (and its subcommand, if any) failed with {@code error}. */
  void failed(Command cmd, CommandStats sub, String error) {
    cmd.stats().failed++;
    if (sub != null) {
      sub.failed++;
    }
    countError(error);
  }

  /** A command (and its subcommand, if any) was refused before it ran. */
  void rejected(Command cmd, CommandStats sub, String error) {
    cmd.stats().rejected++;
    if (sub != null) {
      sub.rejected++;
    }
    countError(error);
  }

  public Map<String, Long> errorCodes() {
    return errorCodes;
  }

  /** total_error_replies. */
  public long errorReplies() {
    return errorReplies;
  }

  /** CONFIG RESETSTAT's part for commands and errors. */
  void reset() {
    for (Command cmd : commands.all()) {
      cmd.stats().reset();
    }
    subcommands.values().forEach(m -> m.values().forEach(CommandStats::reset));
    errorCodes.clear();
    errorReplies = 0;
  }
}
