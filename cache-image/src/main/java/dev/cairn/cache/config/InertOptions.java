package dev.cairn.cache.config;

import static dev.cairn.cache.config.RedisValues.memory;
import static dev.cairn.cache.config.RedisValues.memoryOrPercent;
import static dev.cairn.cache.config.RedisValues.octalMode;
import static dev.cairn.cache.config.RedisValues.onlyDefault;
import static dev.cairn.cache.config.RedisValues.oomScoreAdjValues;
import static dev.cairn.cache.config.RedisValues.yesNo;
import static dev.cairn.common.config.Parsers.intRange;
import static dev.cairn.common.config.Parsers.longRange;
import static dev.cairn.common.config.Parsers.oneOf;
import static dev.cairn.common.config.Parsers.string;

import dev.cairn.cache.config.Option.Change;
import dev.cairn.common.config.ConfigKey;
import dev.cairn.common.config.ValueParser;
import java.util.List;

/**
 * The redis.conf keys of Redis 7.0 for features Cairn's cache does not have yet. They are accepted
 * and validated as Redis validates them, so an existing redis.conf starts Cairn and CONFIG GET/SET
 * answer as Redis does; a value other than the default is logged as a warning naming the key,
 * because it changes nothing here.
 *
 * <p>{@code cluster-enabled} is refused at any value but its default, because accepting it would
 * make Cairn answer as something it is not (clients would route by slots Cairn does not serve).
 *
 * <p>Defaults are Redis's built-in ones (config.c), which is what redis-server reports with no
 * config file. The RDB keys Cairn acts on ({@code save}, {@code dir}, {@code dbfilename}, {@code
 * rdbcompression}, {@code rdbchecksum}, {@code stop-writes-on-bgsave-error}) are in {@link
 * CacheConfig}; the AOF keys Cairn acts on too ({@code dev.cairn.cache.aof}); AOF and RDB tuning
 * Cairn does not have stays here.
 */
final class InertOptions {
  private InertOptions() {}

  private static final String PERSISTENCE = "this AOF tuning";
  private static final String RDB_TUNING =
      "this RDB tuning (a save fsyncs once, when complete; RESTORE and loads check every payload)";
  private static final String REPLICATION = "this replication tuning";
  private static final String CLUSTER = "cluster mode";
  private static final String TLS = "TLS";
  private static final String PROCESS = "this process-level setting (the JVM runs the process)";
  private static final String ALLOCATOR = "Redis's allocator and background threads";
  private static final String TYPES = "this data type or encoding";

  static final List<Option> ALL =
      List.of(
          // persistence: AOF, and RDB tuning Cairn's saves do not have
          row(PERSISTENCE, "aof-timestamp-enabled", yesNo(), false),
          row(PERSISTENCE, "aof-disable-auto-gc", yesNo(), false),
          row(PERSISTENCE, "aof-rewrite-incremental-fsync", yesNo(), true),
          row(RDB_TUNING, "rdb-save-incremental-fsync", yesNo(), true),
          row(REPLICATION, "rdb-del-sync-files", yesNo(), false),
          row(RDB_TUNING, "sanitize-dump-payload", oneOf("no", "yes", "clients"), "no"),
          // replication
          row(REPLICATION, "replica-ignore-maxmemory", yesNo(), true),
          row(REPLICATION, "replica-lazy-flush", yesNo(), false),
          row(REPLICATION, "replica-announced", yesNo(), true),
          row(REPLICATION, "replica-announce-ip", string(), ""),
          row(REPLICATION, "replica-announce-port", intRange(0, 65535), 0),
          row(REPLICATION, "replica-ignore-disk-write-errors", yesNo(), false),
          row(REPLICATION, "repl-diskless-sync-delay", intRange(0, Integer.MAX_VALUE), 5),
          row(REPLICATION, "repl-diskless-sync-max-replicas", intRange(0, Integer.MAX_VALUE), 0),
          row(
              REPLICATION,
              "repl-diskless-load",
              oneOf("disabled", "on-empty-db", "swapdb"),
              "disabled"),
          row(REPLICATION, "repl-disable-tcp-nodelay", yesNo(), false),
          row(REPLICATION, "repl-backlog-ttl", longRange(0, Long.MAX_VALUE), 3600L),
          row(
              REPLICATION,
              "propagation-error-behavior",
              oneOf("ignore", "panic", "panic-on-replicas"),
              "ignore"),
          // cluster
          fixed(
              CLUSTER,
              "cluster-enabled",
              onlyDefault(yesNo(), false, "Cairn has no cluster mode"),
              false),
          fixed(CLUSTER, "cluster-config-file", string(), "nodes.conf"),
          fixed(CLUSTER, "cluster-port", intRange(0, 65535), 0),
          row(CLUSTER, "cluster-node-timeout", longRange(0, Long.MAX_VALUE), 15000L),
          row(CLUSTER, "cluster-migration-barrier", intRange(0, Integer.MAX_VALUE), 1),
          row(CLUSTER, "cluster-replica-validity-factor", intRange(0, Integer.MAX_VALUE), 10),
          row(CLUSTER, "cluster-replica-no-failover", yesNo(), false),
          row(CLUSTER, "cluster-require-full-coverage", yesNo(), true),
          row(CLUSTER, "cluster-allow-reads-when-down", yesNo(), false),
          row(CLUSTER, "cluster-allow-pubsubshard-when-down", yesNo(), true),
          row(CLUSTER, "cluster-allow-replica-migration", yesNo(), true),
          row(CLUSTER, "cluster-announce-ip", string(), ""),
          row(CLUSTER, "cluster-announce-hostname", string(), ""),
          row(CLUSTER, "cluster-announce-port", intRange(0, 65535), 0),
          row(CLUSTER, "cluster-announce-bus-port", intRange(0, 65535), 0),
          row(CLUSTER, "cluster-announce-tls-port", intRange(0, 65535), 0),
          row(
              CLUSTER,
              "cluster-preferred-endpoint-type",
              oneOf("ip", "hostname", "unknown-endpoint"),
              "ip"),
          row(CLUSTER, "cluster-link-sendbuf-limit", memory(), 0L),
          // TLS
          row(TLS, "tls-port", intRange(0, 65535), 0),
          row(TLS, "tls-cert-file", string(), ""),
          row(TLS, "tls-key-file", string(), ""),
          row(TLS, "tls-key-file-pass", string(), ""),
          row(TLS, "tls-client-cert-file", string(), ""),
          row(TLS, "tls-client-key-file", string(), ""),
          row(TLS, "tls-client-key-file-pass", string(), ""),
          row(TLS, "tls-dh-params-file", string(), ""),
          row(TLS, "tls-ca-cert-file", string(), ""),
          row(TLS, "tls-ca-cert-dir", string(), ""),
          row(TLS, "tls-auth-clients", oneOf("no", "yes", "optional"), "yes"),
          row(TLS, "tls-replication", yesNo(), false),
          row(TLS, "tls-cluster", yesNo(), false),
          row(TLS, "tls-protocols", string(), ""),
          row(TLS, "tls-ciphers", string(), ""),
          row(TLS, "tls-ciphersuites", string(), ""),
          row(TLS, "tls-prefer-server-ciphers", yesNo(), false),
          row(TLS, "tls-session-caching", yesNo(), true),
          row(TLS, "tls-session-cache-size", intRange(0, Integer.MAX_VALUE), 20480),
          row(TLS, "tls-session-cache-timeout", intRange(0, Integer.MAX_VALUE), 300),
          // the process and the operating system
          fixed(PROCESS, "tcp-backlog", intRange(0, Integer.MAX_VALUE), 511),
          fixed(PROCESS, "unixsocket", string(), ""),
          fixed(PROCESS, "unixsocketperm", octalMode(), "0"),
          fixed(PROCESS, "pidfile", string(), ""),
          fixed(PROCESS, "supervised", oneOf("upstart", "systemd", "auto", "no"), "no"),
          fixed(PROCESS, "syslog-enabled", yesNo(), false),
          fixed(PROCESS, "syslog-ident", string(), "redis"),
          fixed(PROCESS, "syslog-facility", syslogFacilities(), "local0"),
          fixed(PROCESS, "always-show-logo", yesNo(), false),
          fixed(PROCESS, "set-proc-title", yesNo(), true),
          row(PROCESS, "proc-title-template", string(), "{title} {listen-addr} {server-mode}"),
          row(PROCESS, "oom-score-adj", oneOf("no", "yes", "relative", "absolute"), "no"),
          row(PROCESS, "oom-score-adj-values", oomScoreAdjValues(), "0 200 800"),
          fixed(PROCESS, "disable-thp", yesNo(), true),
          row(PROCESS, "crash-log-enabled", yesNo(), true),
          row(PROCESS, "crash-memcheck-enabled", yesNo(), true),
          fixed(PROCESS, "server_cpulist", string(), ""),
          fixed(PROCESS, "bio_cpulist", string(), ""),
          fixed(PROCESS, "aof_rewrite_cpulist", string(), ""),
          fixed(PROCESS, "bgsave_cpulist", string(), ""),
          fixed(PROCESS, "socket-mark-id", longRange(0, 4294967295L), 0L),
          row(PROCESS, "ignore-warnings", string(), ""),
          row(PROCESS, "shutdown-on-sigint", shutdownFlags(), "default"),
          row(PROCESS, "shutdown-on-sigterm", shutdownFlags(), "default"),
          row(PROCESS, "shutdown-timeout", intRange(0, Integer.MAX_VALUE), 10),
          fixed(PROCESS, "io-threads-do-reads", yesNo(), false),
          // memory management
          row(ALLOCATOR, "activedefrag", yesNo(), false),
          row(ALLOCATOR, "active-defrag-ignore-bytes", memory(), 100L * 1024 * 1024),
          row(ALLOCATOR, "active-defrag-threshold-lower", intRange(0, 1000), 10),
          row(ALLOCATOR, "active-defrag-threshold-upper", intRange(0, 1000), 100),
          row(ALLOCATOR, "active-defrag-cycle-min", intRange(1, 99), 1),
          row(ALLOCATOR, "active-defrag-cycle-max", intRange(1, 99), 25),
          row(ALLOCATOR, "active-defrag-max-scan-fields", longRange(1, Long.MAX_VALUE), 1000L),
          row(ALLOCATOR, "jemalloc-bg-thread", yesNo(), true),
          row(ALLOCATOR, "activerehashing", yesNo(), true),
          row(ALLOCATOR, "dynamic-hz", yesNo(), true),
          row(ALLOCATOR, "active-expire-effort", intRange(1, 10), 1),
          row(ALLOCATOR, "lazyfree-lazy-eviction", yesNo(), false),
          row(ALLOCATOR, "lazyfree-lazy-expire", yesNo(), false),
          row(ALLOCATOR, "lazyfree-lazy-server-del", yesNo(), false),
          row(ALLOCATOR, "lazyfree-lazy-user-del", yesNo(), false),
          row(ALLOCATOR, "lazyfree-lazy-user-flush", yesNo(), false),
          row("client eviction", "maxmemory-clients", memoryOrPercent(), "0"),
          // data types and encodings Cairn stores differently or not yet
          row(TYPES, "list-max-listpack-size", intRange(Integer.MIN_VALUE, Integer.MAX_VALUE), -2),
          row(TYPES, "list-compress-depth", intRange(0, Integer.MAX_VALUE), 0),
          fixed("modules", "enable-module-command", RedisValues.gate(), "no"),
          row("the ACL log", "acllog-max-len", longRange(0, Long.MAX_VALUE), 128L),
          row(
              "acl-pubsub-default (new ACL users start with resetchannels)",
              "acl-pubsub-default",
              oneOf("allchannels", "resetchannels"),
              "resetchannels"));

  private static ValueParser<String> syslogFacilities() {
    return oneOf(
        "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
  }

  private static ValueParser<String> shutdownFlags() {
    return oneOf("default", "save", "nosave", "now", "force");
  }

  private static <T> Option row(String absent, String name, ValueParser<T> parser, T defaultValue) {
    return new Option(ConfigKey.of(name, parser, defaultValue), Change.MODIFIABLE, absent);
  }

  private static <T> Option fixed(
      String absent, String name, ValueParser<T> parser, T defaultValue) {
    return new Option(ConfigKey.of(name, parser, defaultValue), Change.IMMUTABLE, absent);
  }
}
