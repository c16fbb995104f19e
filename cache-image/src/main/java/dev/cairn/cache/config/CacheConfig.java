package dev.cairn.cache.config;

import static dev.cairn.cache.config.RedisValues.baseName;
import static dev.cairn.cache.config.RedisValues.gate;
import static dev.cairn.cache.config.RedisValues.hostPort;
import static dev.cairn.cache.config.RedisValues.memory;
import static dev.cairn.cache.config.RedisValues.onlyDefault;
import static dev.cairn.cache.config.RedisValues.outputLimits;
import static dev.cairn.cache.config.RedisValues.percentiles;
import static dev.cairn.cache.config.RedisValues.saveRules;
import static dev.cairn.cache.config.RedisValues.yesNo;
import static dev.cairn.common.config.Parsers.bytes;
import static dev.cairn.common.config.Parsers.intRange;
import static dev.cairn.common.config.Parsers.longRange;
import static dev.cairn.common.config.Parsers.oneOf;
import static dev.cairn.common.config.Parsers.string;

import dev.cairn.cache.config.Option.Change;
import dev.cairn.cache.db.EvictionPolicy;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The cache's configuration: every redis.conf key of Redis 7.0 (names, aliases, defaults, units and
 * validation as Redis 7.0.15, the version the cache announces) plus {@code admin-port} and {@code
 * admin-bind}, Cairn's own keys for the metrics/health HTTP server. Built from an optional config
 * file in redis.conf syntax and {@code --name value} flags that override it, exactly as {@code
 * redis-server [file] [--flag value ...]}.
 *
 * <p>{@link #OPTIONS} is the table of keys: the ones Cairn acts on are declared here; keys of
 * features Cairn does not have yet are accepted, validated and reported by CONFIG GET ({@link
 * InertOptions}), and a value other than their default is logged as a warning ({@link #warnings}),
 * never acted on as if the feature existed.
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
  public static final ConfigKey<Long> MAXMEMORY = ConfigKey.of("maxmemory", memory(), 0L);
  public static final ConfigKey<String> MAXMEMORY_POLICY =
      ConfigKey.of("maxmemory-policy", oneOf(EvictionPolicy.configNames()), "noeviction");
  public static final ConfigKey<Integer> MAXMEMORY_SAMPLES =
      ConfigKey.of("maxmemory-samples", intRange(1, 64), 5);

  /** How long one eviction pass may run before the rest continues between commands (Redis 6.2+). */
  public static final ConfigKey<Integer> MAXMEMORY_EVICTION_TENACITY =
      ConfigKey.of("maxmemory-eviction-tenacity", intRange(0, 100), 10);

  public static final ConfigKey<Integer> LFU_LOG_FACTOR =
      ConfigKey.of("lfu-log-factor", intRange(0, Integer.MAX_VALUE), 10);
  public static final ConfigKey<Integer> LFU_DECAY_TIME =
      ConfigKey.of("lfu-decay-time", intRange(0, Integer.MAX_VALUE), 1);
  public static final ConfigKey<Long> PROTO_MAX_BULK_LEN =
      ConfigKey.of("proto-max-bulk-len", bytes(1024 * 1024, Long.MAX_VALUE), 512L * 1024 * 1024);
  public static final ConfigKey<Long> CLIENT_QUERY_BUFFER_LIMIT =
      ConfigKey.of(
          "client-query-buffer-limit", bytes(1024 * 1024, Long.MAX_VALUE), 1024L * 1024 * 1024);
  private static final String OUTPUT_LIMITS =
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  public static final ConfigKey<String> CLIENT_OUTPUT_BUFFER_LIMIT =
      ConfigKey.of("client-output-buffer-limit", outputLimits(OUTPUT_LIMITS), OUTPUT_LIMITS);
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
      ConfigKey.of("protected-mode", yesNo(), true);
  public static final ConfigKey<String> LOGLEVEL =
      ConfigKey.of("loglevel", oneOf("debug", "verbose", "notice", "warning"), "notice");
  public static final ConfigKey<String> LOGFILE = ConfigKey.of("logfile", string(), "");
  public static final ConfigKey<Boolean> DAEMONIZE =
      ConfigKey.of(
          "daemonize",
          onlyDefault(yesNo(), false, "Cairn runs in the foreground under a supervisor"),
          false);
  public static final ConfigKey<String> ACLFILE = ConfigKey.of("aclfile", string(), "");

  /**
   * RDB persistence ({@code dev.cairn.cache.rdb}). {@code save} defaults to no rules, unlike
   * Redis's built-in "3600 1 300 100 60 10000": a cache writes snapshots only when asked to.
   */
  public static final ConfigKey<String> SAVE = ConfigKey.of("save", saveRules(), "");

  public static final ConfigKey<String> DIR = ConfigKey.of("dir", string(), ".");
  public static final ConfigKey<String> DBFILENAME =
      ConfigKey.of("dbfilename", string(), "dump.rdb");
  public static final ConfigKey<Boolean> RDBCOMPRESSION =
      ConfigKey.of("rdbcompression", yesNo(), true);
  public static final ConfigKey<Boolean> RDBCHECKSUM = ConfigKey.of("rdbchecksum", yesNo(), true);
  public static final ConfigKey<Boolean> STOP_WRITES_ON_BGSAVE_ERROR =
      ConfigKey.of("stop-writes-on-bgsave-error", yesNo(), true);

  /** Append-only file ({@code dev.cairn.cache.aof}), Redis 7.0's multi-part AOF. */
  public static final ConfigKey<Boolean> APPENDONLY = ConfigKey.of("appendonly", yesNo(), false);

  public static final ConfigKey<String> APPENDFSYNC =
      ConfigKey.of("appendfsync", oneOf("everysec", "always", "no"), "everysec");
  public static final ConfigKey<String> APPENDFILENAME =
      ConfigKey.of("appendfilename", baseName(), "appendonly.aof");
  public static final ConfigKey<String> APPENDDIRNAME =
      ConfigKey.of("appenddirname", baseName(), "appendonlydir");
  public static final ConfigKey<Boolean> NO_APPENDFSYNC_ON_REWRITE =
      ConfigKey.of("no-appendfsync-on-rewrite", yesNo(), false);
  public static final ConfigKey<Integer> AUTO_AOF_REWRITE_PERCENTAGE =
      ConfigKey.of("auto-aof-rewrite-percentage", intRange(0, Integer.MAX_VALUE), 100);
  public static final ConfigKey<Long> AUTO_AOF_REWRITE_MIN_SIZE =
      ConfigKey.of("auto-aof-rewrite-min-size", memory(), 64L * 1024 * 1024);
  public static final ConfigKey<Boolean> AOF_LOAD_TRUNCATED =
      ConfigKey.of("aof-load-truncated", yesNo(), true);
  public static final ConfigKey<Boolean> AOF_USE_RDB_PREAMBLE =
      ConfigKey.of("aof-use-rdb-preamble", yesNo(), true);

  /** Replication ({@code dev.cairn.cache.replication}): "host port" makes this a replica. */
  public static final ConfigKey<String> REPLICAOF = ConfigKey.of("replicaof", hostPort(), "");

  public static final ConfigKey<Long> REPL_BACKLOG_SIZE =
      ConfigKey.of("repl-backlog-size", bytes(16 * 1024, Long.MAX_VALUE), 1024L * 1024);
  public static final ConfigKey<Integer> REPL_PING_REPLICA_PERIOD =
      ConfigKey.of("repl-ping-replica-period", intRange(1, Integer.MAX_VALUE), 10);
  public static final ConfigKey<Integer> REPL_TIMEOUT =
      ConfigKey.of("repl-timeout", intRange(1, Integer.MAX_VALUE), 60);
  public static final ConfigKey<Boolean> REPLICA_READ_ONLY =
      ConfigKey.of("replica-read-only", yesNo(), true);

  /** No: a replica whose link is down answers only the stale commands, others -MASTERDOWN. */
  public static final ConfigKey<Boolean> REPLICA_SERVE_STALE_DATA =
      ConfigKey.of("replica-serve-stale-data", yesNo(), true);

  public static final ConfigKey<Boolean> REPL_DISKLESS_SYNC =
      ConfigKey.of("repl-diskless-sync", yesNo(), true);

  /**
   * The local address a replica's connection to its primary is bound to, as Redis 7's
   * bind-source-addr; empty: the operating system picks it. The primary lists its replicas (and
   * sentinels find them) at that connection's source address, so on a host with one address per
   * server (pods of Cairn's local cluster on 127.0.1.x) it must be the server's own.
   */
  public static final ConfigKey<String> BIND_SOURCE_ADDR =
      ConfigKey.of("bind-source-addr", string(), "");

  /**
   * What a replica sends its primary before REPLCONF and PSYNC: AUTH [masteruser] masterauth (none
   * when masterauth is empty). Read at each connection attempt, so CONFIG SET applies at the next.
   */
  public static final ConfigKey<String> MASTERAUTH = ConfigKey.of("masterauth", string(), "");

  public static final ConfigKey<String> MASTERUSER = ConfigKey.of("masteruser", string(), "");

  /**
   * A primary refuses writes (-NOREPLICAS) while fewer than this many replicas acknowledged within
   * min-replicas-max-lag seconds; 0 in either turns the rule off, as in Redis.
   */
  public static final ConfigKey<Integer> MIN_REPLICAS_TO_WRITE =
      ConfigKey.of("min-replicas-to-write", intRange(0, Integer.MAX_VALUE), 0);

  public static final ConfigKey<Integer> MIN_REPLICAS_MAX_LAG =
      ConfigKey.of("min-replicas-max-lag", intRange(0, Integer.MAX_VALUE), 10);

  /** What a replica tells sentinels in INFO: lower is promoted first, 0 never. */
  public static final ConfigKey<Integer> REPLICA_PRIORITY =
      ConfigKey.of("replica-priority", intRange(0, Integer.MAX_VALUE), 100);

  /** Encoding thresholds, read at every insert as Redis reads them (see {@link Encodings}). */
  public static final ConfigKey<Long> HASH_MAX_LISTPACK_ENTRIES =
      ConfigKey.of("hash-max-listpack-entries", longRange(0, Long.MAX_VALUE), 512L);

  public static final ConfigKey<Long> HASH_MAX_LISTPACK_VALUE =
      ConfigKey.of("hash-max-listpack-value", memory(), 64L);
  public static final ConfigKey<Long> SET_MAX_INTSET_ENTRIES =
      ConfigKey.of("set-max-intset-entries", longRange(0, Long.MAX_VALUE), 512L);
  public static final ConfigKey<Long> ZSET_MAX_LISTPACK_ENTRIES =
      ConfigKey.of("zset-max-listpack-entries", longRange(0, Long.MAX_VALUE), 128L);
  public static final ConfigKey<Long> ZSET_MAX_LISTPACK_VALUE =
      ConfigKey.of("zset-max-listpack-value", memory(), 64L);

  /**
   * Milliseconds a script may run before other clients get -BUSY and SCRIPT KILL / FUNCTION KILL
   * may stop it (0: never); lua-time-limit is its old name.
   */
  public static final ConfigKey<Long> BUSY_REPLY_THRESHOLD =
      ConfigKey.of("busy-reply-threshold", longRange(0, Long.MAX_VALUE), 5000L);

  /** Stream node limits and the sparse HyperLogLog limit, read at every XADD / PFADD. */
  public static final ConfigKey<Long> STREAM_NODE_MAX_BYTES =
      ConfigKey.of("stream-node-max-bytes", memory(), 4096L);

  public static final ConfigKey<Long> STREAM_NODE_MAX_ENTRIES =
      ConfigKey.of("stream-node-max-entries", longRange(0, Long.MAX_VALUE), 100L);

  /** Keys CLIENT TRACKING remembers before invalidating some to make room; 0 = no limit. */
  public static final ConfigKey<Long> TRACKING_TABLE_MAX_KEYS =
      ConfigKey.of("tracking-table-max-keys", longRange(0, Long.MAX_VALUE), 1000000L);

  public static final ConfigKey<Long> HLL_SPARSE_MAX_BYTES =
      ConfigKey.of("hll-sparse-max-bytes", memory(), 3000L);

  /** Per-command latency histograms, and the percentiles INFO latencystats prints from them. */
  public static final ConfigKey<Boolean> LATENCY_TRACKING =
      ConfigKey.of("latency-tracking", yesNo(), true);

  public static final ConfigKey<String> LATENCY_TRACKING_INFO_PERCENTILES =
      ConfigKey.of("latency-tracking-info-percentiles", percentiles(), "50 99 99.9");

  /** Who may run DEBUG, and CONFIG SET protected keys: no, yes, or local connections only. */
  public static final ConfigKey<String> ENABLE_DEBUG_COMMAND =
      ConfigKey.of("enable-debug-command", gate(), "no");

  public static final ConfigKey<String> ENABLE_PROTECTED_CONFIGS =
      ConfigKey.of("enable-protected-configs", gate(), "no");

  /**
   * Every key Cairn accepts: those it acts on, then Redis 7.0's keys for features it does not have
   * yet ({@link InertOptions}). CONFIG GET * lists them in this order.
   */
  public static final List<Option> OPTIONS =
      Stream.concat(
              Stream.of(
                  fixed(PORT),
                  fixed(BIND),
                  fixed(ADMIN_PORT),
                  fixed(ADMIN_BIND),
                  fixed(DATABASES),
                  live(REQUIREPASS),
                  live(MAXMEMORY),
                  live(MAXMEMORY_POLICY),
                  live(MAXMEMORY_EVICTION_TENACITY),
                  live(MAXMEMORY_SAMPLES),
                  live(LFU_LOG_FACTOR),
                  live(LFU_DECAY_TIME),
                  live(PROTO_MAX_BULK_LEN),
                  live(CLIENT_QUERY_BUFFER_LIMIT),
                  live(CLIENT_OUTPUT_BUFFER_LIMIT),
                  live(MAXCLIENTS),
                  live(HZ),
                  live(TIMEOUT),
                  live(TCP_KEEPALIVE),
                  live(NOTIFY_KEYSPACE_EVENTS),
                  live(SLOWLOG_LOG_SLOWER_THAN),
                  live(SLOWLOG_MAX_LEN),
                  live(LATENCY_MONITOR_THRESHOLD),
                  live(PROTECTED_MODE),
                  live(LOGLEVEL),
                  fixed(LOGFILE),
                  fixed(DAEMONIZE),
                  fixed(ACLFILE),
                  live(HASH_MAX_LISTPACK_ENTRIES),
                  live(HASH_MAX_LISTPACK_VALUE),
                  live(SET_MAX_INTSET_ENTRIES),
                  live(ZSET_MAX_LISTPACK_ENTRIES),
                  live(ZSET_MAX_LISTPACK_VALUE),
                  live(BUSY_REPLY_THRESHOLD),
                  live(HLL_SPARSE_MAX_BYTES),
                  live(STREAM_NODE_MAX_BYTES),
                  live(STREAM_NODE_MAX_ENTRIES),
                  live(TRACKING_TABLE_MAX_KEYS),
                  live(LATENCY_TRACKING),
                  live(LATENCY_TRACKING_INFO_PERCENTILES),
                  fixed(ENABLE_DEBUG_COMMAND),
                  fixed(ENABLE_PROTECTED_CONFIGS),
                  new Option(
                      ConfigKey.of("io-threads", intRange(1, 128), 1),
                      Change.IMMUTABLE,
                      "Redis's I/O threads (Netty's event loops do the I/O)"),
                  live(SAVE),
                  guarded(DIR),
                  guarded(DBFILENAME),
                  live(RDBCOMPRESSION),
                  fixed(RDBCHECKSUM),
                  live(STOP_WRITES_ON_BGSAVE_ERROR),
                  live(APPENDONLY),
                  live(APPENDFSYNC),
                  fixed(APPENDFILENAME),
                  fixed(APPENDDIRNAME),
                  live(NO_APPENDFSYNC_ON_REWRITE),
                  live(AUTO_AOF_REWRITE_PERCENTAGE),
                  live(AUTO_AOF_REWRITE_MIN_SIZE),
                  live(AOF_LOAD_TRUNCATED),
                  live(AOF_USE_RDB_PREAMBLE),
                  fixed(REPLICAOF),
                  live(REPL_BACKLOG_SIZE),
                  live(REPL_PING_REPLICA_PERIOD),
                  live(REPL_TIMEOUT),
                  live(REPLICA_READ_ONLY),
                  live(REPLICA_SERVE_STALE_DATA),
                  live(REPL_DISKLESS_SYNC),
                  live(REPLICA_PRIORITY),
                  live(BIND_SOURCE_ADDR),
                  live(MASTERAUTH),
                  live(MASTERUSER),
                  live(MIN_REPLICAS_TO_WRITE),
                  live(MIN_REPLICAS_MAX_LAG)),
              InertOptions.ALL.stream())
          .toList();

  /**
   * Redis 7.0's old names, still accepted everywhere and listed by CONFIG GET *: ziplist became
   * listpack in 7.0, slave became replica in 5.0, lua-time-limit became busy-reply-threshold.
   */
  public static final Map<String, String> ALIASES =
      orderedMap(
          "hash-max-ziplist-entries", "hash-max-listpack-entries",
          "hash-max-ziplist-value", "hash-max-listpack-value",
          "list-max-ziplist-size", "list-max-listpack-size",
          "zset-max-ziplist-entries", "zset-max-listpack-entries",
          "zset-max-ziplist-value", "zset-max-listpack-value",
          "slaveof", "replicaof",
          "slave-serve-stale-data", "replica-serve-stale-data",
          "slave-read-only", "replica-read-only",
          "slave-ignore-maxmemory", "replica-ignore-maxmemory",
          "slave-lazy-flush", "replica-lazy-flush",
          "slave-priority", "replica-priority",
          "slave-announce-ip", "replica-announce-ip",
          "slave-announce-port", "replica-announce-port",
          "repl-ping-slave-period", "repl-ping-replica-period",
          "min-slaves-to-write", "min-replicas-to-write",
          "min-slaves-max-lag", "min-replicas-max-lag",
          "cluster-slave-validity-factor", "cluster-replica-validity-factor",
          "cluster-slave-no-failover", "cluster-replica-no-failover",
          "lua-time-limit", "busy-reply-threshold");

  public static final ConfigSchema SCHEMA =
      new ConfigSchema(OPTIONS.stream().<ConfigKey<?>>map(Option::key).toList());

  private static final Map<String, Option> BY_NAME =
      OPTIONS.stream().collect(Collectors.toUnmodifiableMap(Option::name, o -> o));

  /** The row for a key or one of its aliases (any case), or null if Redis 7.0 has no such key. */
  public static Option option(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return BY_NAME.get(ALIASES.getOrDefault(lower, lower));
  }

  /**
   * Refusals whose wording is particular to a key, as Redis words them (scripts and tools match on
   * these phrases).
   */
  private static final Map<String, String> REFUSALS =
      Map.of(
          "notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
          "save", "Invalid save parameters",
          "client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.",
          "maxmemory-clients", "argument must be a memory or percent value",
          "oom-score-adj-values", "wrong number of arguments",
          "latency-tracking-info-percentiles",
              "Invalid latency-tracking-info-percentiles parameters");

  /**
   * Why CONFIG SET refuses {@code value} for {@code name}, worded as Redis words it; null where
   * Redis has no fixed phrase and ours stands.
   */
  public static String refusal(String name, String value) {
    if (REFUSALS.containsKey(name)) {
      return REFUSALS.get(name);
    }
    String allowed = BY_NAME.get(name).key().parser().allowed();
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
    if (allowed.equals(yesNo().allowed())) {
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

  private static Option live(ConfigKey<?> key) {
    return new Option(key, Change.MODIFIABLE, null);
  }

  private static Option fixed(ConfigKey<?> key) {
    return new Option(key, Change.IMMUTABLE, null);
  }

  /** A key CONFIG SET changes only where enable-protected-configs allows it. */
  private static Option guarded(ConfigKey<?> key) {
    return new Option(key, Change.PROTECTED, null);
  }

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private final Config config;

  private CacheConfig(Config config) {
    this.config = config;
  }

  /** Parses key/value pairs; keys in any case, old names (aliases) allowed. */
  public static CacheConfig of(Map<String, String> raw) {
    Map<String, String> named = new LinkedHashMap<>();
    raw.forEach((k, v) -> named.put(canonical(k), v));
    return new CacheConfig(SCHEMA.parse(named));
  }

  private static String canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(lower, lower);
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

  /**
   * Keys redis.conf may repeat, each line adding to the ones before: save rules, and output limits
   * given one client class per line.
   */
  private static final Set<String> ACCUMULATED = Set.of("save", "client-output-buffer-limit");

  private static void put(Map<String, String> raw, String key, String value) {
    String k = canonical(key);
    if (ACCUMULATED.contains(k) && raw.containsKey(k) && !value.isEmpty()) {
      raw.put(k, (raw.get(k) + " " + value).trim());
    } else {
      raw.put(k, value);
    }
  }

  /** Splits a redis.conf line into words, honouring quotes and comments. */
  public static List<String> words(String line) {
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

  /**
   * CONFIG SET: a validated copy with one key (or alias) changed. Output limits name the classes
   * they change; the others keep their current limits, as in Redis.
   */
  public CacheConfig with(String name, String value) {
    String k = canonical(name);
    String v =
        k.equals(CLIENT_OUTPUT_BUFFER_LIMIT.name())
            ? raw(CLIENT_OUTPUT_BUFFER_LIMIT) + " " + value
            : value;
    return new CacheConfig(config.with(k, v));
  }

  /**
   * One line per inert key given a value other than its default: what the user asked for and why it
   * changes nothing here.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (Option o : OPTIONS) {
      if (o.inert() && !config.get(o.key()).equals(o.key().defaultValue())) {
        out.add(warning(o.name(), raw(o.key()), o.absent()));
      }
    }
    return out;
  }

  /** The warning for an inert key set to a value other than its default. */
  public static String warning(String name, String value, String absent) {
    return "configuration key '"
        + name
        + "' is '"
        + value
        + "', which has no effect: Cairn's cache has no "
        + absent
        + " yet";
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

  /**
   * Hard output-buffer limit in bytes for a client class ("normal", "slave", "pubsub"; 0 = none).
   */
  public long outputHardLimit(String clientClass) {
    String[] w = get(CLIENT_OUTPUT_BUFFER_LIMIT).trim().split("\\s+");
    for (int i = 0; i + 3 < w.length; i += 4) {
      if (w[i].equalsIgnoreCase(clientClass)) {
        return Long.parseLong(w[i + 1]);
      }
    }
    return 0;
  }
}
