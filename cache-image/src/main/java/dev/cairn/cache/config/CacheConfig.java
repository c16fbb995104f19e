package dev.cairn.cache.config;

import static dev.cairn.common.config.Parsers.bool;
import static dev.cairn.common.config.Parsers.bytes;
import static dev.cairn.common.config.Parsers.intRange;
import static dev.cairn.common.config.Parsers.longRange;
import static dev.cairn.common.config.Parsers.oneOf;
import static dev.cairn.common.config.Parsers.string;

import dev.cairn.cache.db.EvictionPolicy;
import dev.cairn.cache.rdb.SaveRules;
import dev.cairn.common.config.Config;
import dev.cairn.common.config.ConfigException;
import dev.cairn.common.config.ConfigKey;
import dev.cairn.common.config.ConfigSchema;
import dev.cairn.common.config.ValueParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cache's configuration: redis.conf keys (names, defaults and units as Redis 7) plus {@code
 * admin-port}, Cairn's own key for the metrics/health HTTP port. Built from an optional config file
 * in redis.conf syntax and {@code --name value} flags that override it, exactly as {@code
 * redis-server [file] [--flag value ...]}.
 *
 * <p>Immutable; CONFIG SET produces a new instance through {@link #with} after the same validation.
 * {@link #raw} keeps each key's text for CONFIG GET.
 */
public final class CacheConfig {
  public static final ConfigKey<Integer> PORT = ConfigKey.of("port", intRange(0, 65535), 6379);
  public static final ConfigKey<String> BIND = ConfigKey.of("bind", string(), "127.0.0.1");
  public static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.of("admin-port", intRange(0, 65535), 9121);
  public static final ConfigKey<String> ADMIN_BIND =
      ConfigKey.of("admin-bind", string(), "127.0.0.1");
  public static final ConfigKey<Integer> DATABASES =
      ConfigKey.of("databases", intRange(1, 1 << 20), 16);
  public static final ConfigKey<String> REQUIREPASS = ConfigKey.of("requirepass", string(), "");
  public static final ConfigKey<Long> MAXMEMORY =
      ConfigKey.of("maxmemory", bytes(0, Long.MAX_VALUE), 0L);
  public static final ConfigKey<String> MAXMEMORY_POLICY =
      ConfigKey.of("maxmemory-policy", oneOf(EvictionPolicy.configNames()), "noeviction");
  public static final ConfigKey<Integer> MAXMEMORY_SAMPLES =
      ConfigKey.of("maxmemory-samples", intRange(1, 64), 5);
  public static final ConfigKey<Integer> LFU_LOG_FACTOR =
      ConfigKey.of("lfu-log-factor", intRange(0, Integer.MAX_VALUE), 10);
  public static final ConfigKey<Integer> LFU_DECAY_TIME =
      ConfigKey.of("lfu-decay-time", intRange(0, Integer.MAX_VALUE), 1);
  public static final ConfigKey<Long> PROTO_MAX_BULK_LEN =
      ConfigKey.of("proto-max-bulk-len", bytes(1024 * 1024, Long.MAX_VALUE), 512L * 1024 * 1024);
  public static final ConfigKey<Long> CLIENT_QUERY_BUFFER_LIMIT =
      ConfigKey.of(
          "client-query-buffer-limit", bytes(1024 * 1024, Long.MAX_VALUE), 1024L * 1024 * 1024);
  public static final ConfigKey<String> CLIENT_OUTPUT_BUFFER_LIMIT =
      ConfigKey.of(
          "client-output-buffer-limit",
          outputLimits(),
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  public static final ConfigKey<Integer> MAXCLIENTS =
      ConfigKey.of("maxclients", intRange(1, Integer.MAX_VALUE), 10000);
  public static final ConfigKey<Integer> HZ = ConfigKey.of("hz", intRange(1, 500), 10);
  public static final ConfigKey<Integer> TIMEOUT =
      ConfigKey.of("timeout", intRange(0, Integer.MAX_VALUE), 0);
  public static final ConfigKey<Integer> TCP_KEEPALIVE =
      ConfigKey.of("tcp-keepalive", intRange(0, Integer.MAX_VALUE), 300);
  public static final ConfigKey<String> NOTIFY_KEYSPACE_EVENTS =
      ConfigKey.of("notify-keyspace-events", keyspaceEvents(), "");
  public static final ConfigKey<Long> SLOWLOG_LOG_SLOWER_THAN =
      ConfigKey.of("slowlog-log-slower-than", longRange(-1, Long.MAX_VALUE), 10000L);
  public static final ConfigKey<Integer> SLOWLOG_MAX_LEN =
      ConfigKey.of("slowlog-max-len", intRange(0, Integer.MAX_VALUE), 128);
  public static final ConfigKey<Long> LATENCY_MONITOR_THRESHOLD =
      ConfigKey.of("latency-monitor-threshold", longRange(0, Long.MAX_VALUE), 0L);
  public static final ConfigKey<Boolean> PROTECTED_MODE =
      ConfigKey.of("protected-mode", bool(), true);
  public static final ConfigKey<String> LOGLEVEL =
      ConfigKey.of("loglevel", oneOf("debug", "verbose", "notice", "warning", "nothing"), "notice");
  public static final ConfigKey<String> LOGFILE = ConfigKey.of("logfile", string(), "");
  public static final ConfigKey<Boolean> DAEMONIZE = ConfigKey.of("daemonize", no(), false);
  public static final ConfigKey<String> SAVE = ConfigKey.of("save", saveRules(), "");
  public static final ConfigKey<Boolean> APPENDONLY = ConfigKey.of("appendonly", no(), false);
  public static final ConfigKey<String> DIR = ConfigKey.of("dir", string(), ".");
  public static final ConfigKey<String> DBFILENAME =
      ConfigKey.of("dbfilename", string(), "dump.rdb");
  public static final ConfigKey<Boolean> RDBCOMPRESSION =
      ConfigKey.of("rdbcompression", bool(), true);
  public static final ConfigKey<Boolean> RDBCHECKSUM = ConfigKey.of("rdbchecksum", bool(), true);
  public static final ConfigKey<Boolean> STOP_WRITES_ON_BGSAVE_ERROR =
      ConfigKey.of("stop-writes-on-bgsave-error", bool(), true);
  public static final ConfigKey<String> ACLFILE = ConfigKey.of("aclfile", string(), "");
  public static final ConfigKey<Integer> IO_THREADS = ConfigKey.of("io-threads", intRange(1, 1), 1);

  public static final ConfigSchema SCHEMA =
      new ConfigSchema(
          List.of(
              PORT,
              BIND,
              ADMIN_PORT,
              ADMIN_BIND,
              DATABASES,
              REQUIREPASS,
              MAXMEMORY,
              MAXMEMORY_POLICY,
              MAXMEMORY_SAMPLES,
              LFU_LOG_FACTOR,
              LFU_DECAY_TIME,
              PROTO_MAX_BULK_LEN,
              CLIENT_QUERY_BUFFER_LIMIT,
              CLIENT_OUTPUT_BUFFER_LIMIT,
              MAXCLIENTS,
              HZ,
              TIMEOUT,
              TCP_KEEPALIVE,
              NOTIFY_KEYSPACE_EVENTS,
              SLOWLOG_LOG_SLOWER_THAN,
              SLOWLOG_MAX_LEN,
              LATENCY_MONITOR_THRESHOLD,
              PROTECTED_MODE,
              LOGLEVEL,
              LOGFILE,
              DAEMONIZE,
              SAVE,
              APPENDONLY,
              DIR,
              DBFILENAME,
              RDBCOMPRESSION,
              RDBCHECKSUM,
              STOP_WRITES_ON_BGSAVE_ERROR,
              ACLFILE,
              IO_THREADS));

  /**
   * Why CONFIG SET refuses {@code value} for {@code name}, worded as Redis words it (scripts and
   * tools match on these phrases); null where Redis has no fixed phrase and ours stands.
   */
  public static String refusal(String name, String value) {
    if (name.equals("notify-keyspace-events")) {
      return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    }
    String allowed =
        SCHEMA.keys().stream()
            .filter(k -> k.name().equals(name))
            .map(k -> k.parser().allowed())
            .findFirst()
            .orElse("");
    if (allowed.startsWith("a size in bytes")) {
      long bytes;
      try {
        bytes = dev.cairn.common.config.Parsers.parseBytes(value);
      } catch (RuntimeException e) {
        return "argument must be a memory value";
      }
      if (bytes < 0) {
        return "argument must be a memory value";
      }
      return range(allowed);
    }
    if (allowed.equals(bool().allowed())) {
      return "argument must be 'yes' or 'no'";
    }
    if (allowed.startsWith("one of ")) {
      return "argument(s) must be one of the following: " + allowed.substring("one of ".length());
    }
    if (allowed.startsWith("an integer in [")) {
      try {
        Long.parseLong(value);
      } catch (NumberFormatException e) {
        return "argument couldn't be parsed into an integer";
      }
      return range(allowed);
    }
    return null;
  }

  /** Redis's range phrase from our "... in [min, max]". */
  private static String range(String allowed) {
    String[] bounds =
        allowed.substring(allowed.lastIndexOf('[') + 1, allowed.length() - 1).split(", ");
    return "argument must be between " + bounds[0] + " and " + bounds[1] + " inclusive";
  }

  /** Keys CONFIG SET may not change while running (Redis's IMMUTABLE_CONFIG). */
  public static final Set<String> IMMUTABLE =
      Set.of(
          "port",
          "bind",
          "admin-port",
          "admin-bind",
          "databases",
          "daemonize",
          "io-threads",
          "logfile",
          "aclfile");

  private final Config config;

  private CacheConfig(Config config) {
    this.config = config;
  }

  public static CacheConfig of(Map<String, String> raw) {
    Map<String, String> lower = new LinkedHashMap<>();
    raw.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return new CacheConfig(SCHEMA.parse(lower));
  }

  /** A test configuration: the given port, admin on a free port, everything else default. */
  public static CacheConfig forTest(int port) {
    return of(Map.of("port", Integer.toString(port), "admin-port", "0"));
  }

  /** Parses {@code redis-server}'s arguments: [config-file] [--name value...]... */
  public static CacheConfig fromArgs(String[] args) throws IOException {
    Map<String, String> raw = new LinkedHashMap<>();
    int i = 0;
    if (args.length > 0 && !args[0].startsWith("--")) {
      for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
        List<String> words = words(line);
        if (!words.isEmpty()) {
          put(raw, words.get(0), String.join(" ", words.subList(1, words.size())));
        }
      }
      i = 1;
    }
    while (i < args.length) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new ConfigException("expected --name value, got '" + a + "'");
      }
      List<String> values = new ArrayList<>();
      i++;
      while (i < args.length && !args[i].startsWith("--")) {
        values.add(args[i++]);
      }
      put(raw, a.substring(2), String.join(" ", values));
    }
    return of(raw);
  }

  private static void put(Map<String, String> raw, String key, String value) {
    String k = key.toLowerCase(Locale.ROOT);
    // redis.conf lists "save" rules on several lines; they accumulate.
    if (k.equals("save") && raw.containsKey(k) && !value.isEmpty()) {
      raw.put(k, (raw.get(k) + " " + value).trim());
    } else {
      raw.put(k, value);
    }
  }

  /** Splits a redis.conf line into words, honouring quotes and comments. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    String t = line.strip();
    if (t.isEmpty() || t.startsWith("#")) {
      return out;
    }
    StringBuilder cur = null;
    char quote = 0;
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          out.add(cur.toString());
          cur = null;
          quote = 0;
        } else if (ch == '\\' && quote == '"' && i + 1 < t.length()) {
          cur.append(t.charAt(++i));
        } else {
          cur.append(ch);
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
        cur = new StringBuilder();
      } else if (Character.isWhitespace(ch)) {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        if (cur == null) {
          cur = new StringBuilder();
        }
        cur.append(ch);
      }
    }
    if (quote != 0) {
      throw new ConfigException("unbalanced quotes in configuration line: " + line);
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  public <T> T get(ConfigKey<T> key) {
    return config.get(key);
  }

  /** CONFIG SET: a validated copy with one key changed. */
  public CacheConfig with(String name, String value) {
    return new CacheConfig(config.with(name, value));
  }

  /** The text CONFIG GET shows for a key: sizes in bytes, booleans as yes/no. */
  public String raw(ConfigKey<?> key) {
    Object v = config.get(key);
    if (v instanceof Boolean b) {
      return b ? "yes" : "no";
    }
    return String.valueOf(v);
  }

  public EvictionPolicy policy() {
    return EvictionPolicy.of(get(MAXMEMORY_POLICY));
  }

  private static ValueParser<String> keyspaceEvents() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        for (char ch : raw.toCharArray()) {
          if ("gKE$lshzxetdmnA".indexOf(ch) < 0) {
            throw new IllegalArgumentException(raw);
          }
        }
        return raw;
      }

      @Override
      public String allowed() {
        return "characters from 'KEg$lshzxetdmnA'";
      }
    };
  }

  /** "no" only: a Redis feature Cairn does not have (daemonize, appendonly). */
  private static ValueParser<Boolean> no() {
    return new ValueParser<>() {
      @Override
      public Boolean parse(String raw) {
        if (!raw.equalsIgnoreCase("no")) {
          throw new IllegalArgumentException(raw);
        }
        return false;
      }

      @Override
      public String allowed() {
        return "no (not supported by Cairn cache v1)";
      }
    };
  }

  /** "seconds changes" pairs, or "" for none (see {@link SaveRules}). */
  private static ValueParser<String> saveRules() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        return SaveRules.parse(raw).toString();
      }

      @Override
      public String allowed() {
        return "\"\" or <seconds> <changes> pairs";
      }
    };
  }

  /** Parses "class hard soft seconds ..." and returns it unchanged. */
  private static ValueParser<String> outputLimits() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        String[] w = raw.trim().split("\\s+");
        if (w.length % 4 != 0) {
          throw new IllegalArgumentException(raw);
        }
        for (int i = 0; i < w.length; i += 4) {
          if (!Set.of("normal", "slave", "replica", "pubsub").contains(w[i].toLowerCase())) {
            throw new IllegalArgumentException(raw);
          }
          dev.cairn.common.config.Parsers.parseBytes(w[i + 1]);
          dev.cairn.common.config.Parsers.parseBytes(w[i + 2]);
          Long.parseLong(w[i + 3]);
        }
        return raw;
      }

      @Override
      public String allowed() {
        return "<class> <hard> <soft> <seconds> ... (classes normal, replica, pubsub)";
      }
    };
  }

  /** Hard output-buffer limit in bytes for a client class (0 = none). */
  public long outputHardLimit(String clientClass) {
    String[] w = get(CLIENT_OUTPUT_BUFFER_LIMIT).trim().split("\\s+");
    for (int i = 0; i + 3 < w.length; i += 4) {
      if (w[i].equalsIgnoreCase(clientClass)) {
        return dev.cairn.common.config.Parsers.parseBytes(w[i + 1]);
      }
    }
    return 0;
  }
}
