package dev.cairn.broker.config;

import static dev.cairn.common.config.Parsers.bool;
import static dev.cairn.common.config.Parsers.intRange;
import static dev.cairn.common.config.Parsers.list;
import static dev.cairn.common.config.Parsers.longRange;
import static dev.cairn.common.config.Parsers.nonEmpty;
import static dev.cairn.common.config.Parsers.oneOf;
import static dev.cairn.common.config.Parsers.string;

import dev.cairn.common.config.Config;
import dev.cairn.common.config.ConfigException;
import dev.cairn.common.config.ConfigKey;
import dev.cairn.common.config.ConfigSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The broker's configuration: Kafka's {@code server.properties} keys with Kafka's defaults, read as
 * {@code kafka-server-start.sh} reads them (a properties file, then {@code --override key=value}).
 *
 * <p>Deviations from Kafka, all deliberate: {@code offsets.topic.replication.factor} defaults to 1
 * (Kafka ships 3 and then needs a three-broker cluster before consumer groups work); {@code
 * message.max.bytes} defaults to 1,000,012 (the classic Kafka default, as MISSION.md says); the
 * admin HTTP port ({@code cairn.admin.port}, default 9404) is ours. Unknown keys fail start-up.
 */
public final class BrokerConfig {
  private static final long MAX = Long.MAX_VALUE;

  public static final ConfigKey<Integer> BROKER_ID =
      ConfigKey.of("broker.id", intRange(0, Integer.MAX_VALUE), 0);
  public static final ConfigKey<String> BROKER_RACK = ConfigKey.of("broker.rack", string(), null);
  public static final ConfigKey<String> LISTENERS =
      ConfigKey.of("listeners", nonEmpty(), "PLAINTEXT://:9092");
  public static final ConfigKey<String> ADVERTISED_LISTENERS =
      ConfigKey.of("advertised.listeners", string(), null);
  public static final ConfigKey<String> ADMIN_HOST =
      ConfigKey.of("cairn.admin.host", nonEmpty(), "0.0.0.0");
  public static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.of("cairn.admin.port", intRange(0, 65535), 9404);
  public static final ConfigKey<List<String>> LOG_DIRS =
      ConfigKey.of("log.dirs", list(nonEmpty()), null);
  public static final ConfigKey<String> LOG_DIR =
      ConfigKey.of("log.dir", nonEmpty(), "/tmp/kafka-logs");
  public static final ConfigKey<Integer> NUM_PARTITIONS =
      ConfigKey.of("num.partitions", intRange(1, 1_000_000), 1);
  public static final ConfigKey<Integer> DEFAULT_REPLICATION_FACTOR =
      ConfigKey.of("default.replication.factor", intRange(1, Short.MAX_VALUE), 1);
  public static final ConfigKey<Boolean> AUTO_CREATE_TOPICS =
      ConfigKey.of("auto.create.topics.enable", bool(), true);
  public static final ConfigKey<Boolean> DELETE_TOPIC_ENABLE =
      ConfigKey.of("delete.topic.enable", bool(), true);
  public static final ConfigKey<Integer> NUM_NETWORK_THREADS =
      ConfigKey.of("num.network.threads", intRange(1, 256), 3);
  public static final ConfigKey<Integer> NUM_IO_THREADS =
      ConfigKey.of("num.io.threads", intRange(1, 256), 8);
  public static final ConfigKey<Integer> NUM_RECOVERY_THREADS =
      ConfigKey.of("num.recovery.threads.per.data.dir", intRange(1, 256), 1);
  public static final ConfigKey<Integer> SOCKET_REQUEST_MAX_BYTES =
      ConfigKey.of("socket.request.max.bytes", intRange(1, Integer.MAX_VALUE), 104_857_600);

  /**
   * -1 (the kernel's default and autotuning; Kafka's default is 102400): with a fixed 100 KiB
   * buffer a 1 MiB fetch response leaves the network thread to be woken five or more times to
   * refill the socket, each wake-up a scheduling delay on a busy machine; an autotuned buffer takes
   * the whole response in one sendfile. See docs/benchmarks.md (warm consume).
   */
  public static final ConfigKey<Integer> SOCKET_SEND_BUFFER =
      ConfigKey.of("socket.send.buffer.bytes", intRange(-1, Integer.MAX_VALUE), -1);

  /**
   * -1 (Kafka: 102400) for the same reason as the send buffer: a fixed 100 KiB receive window makes
   * a producer's 1 MiB request arrive in several wake-ups; the produce rows of docs/benchmarks.md
   * were measured with the kernel's autotuning.
   */
  public static final ConfigKey<Integer> SOCKET_RECEIVE_BUFFER =
      ConfigKey.of("socket.receive.buffer.bytes", intRange(-1, Integer.MAX_VALUE), -1);

  public static final ConfigKey<Integer> MESSAGE_MAX_BYTES =
      ConfigKey.of("message.max.bytes", intRange(0, Integer.MAX_VALUE), 1_048_588);
  public static final ConfigKey<Integer> LOG_SEGMENT_BYTES =
      ConfigKey.of("log.segment.bytes", intRange(14, Integer.MAX_VALUE), 1 << 30);
  public static final ConfigKey<Long> LOG_ROLL_MS =
      ConfigKey.of("log.roll.ms", longRange(1, MAX), null);
  public static final ConfigKey<Integer> LOG_ROLL_HOURS =
      ConfigKey.of("log.roll.hours", intRange(1, Integer.MAX_VALUE), 168);
  public static final ConfigKey<Long> LOG_ROLL_JITTER_MS =
      ConfigKey.of("log.roll.jitter.ms", longRange(0, MAX), null);
  public static final ConfigKey<Integer> LOG_ROLL_JITTER_HOURS =
      ConfigKey.of("log.roll.jitter.hours", intRange(0, Integer.MAX_VALUE), 0);
  public static final ConfigKey<Long> LOG_SEGMENT_DELETE_DELAY_MS =
      ConfigKey.of("log.segment.delete.delay.ms", longRange(0, MAX), 60_000L);
  public static final ConfigKey<Boolean> LOG_PREALLOCATE =
      ConfigKey.of("log.preallocate", bool(), false);
  public static final ConfigKey<Long> LOG_RETENTION_MS =
      ConfigKey.of("log.retention.ms", longRange(-1, MAX), null);
  public static final ConfigKey<Integer> LOG_RETENTION_MINUTES =
      ConfigKey.of("log.retention.minutes", intRange(-1, Integer.MAX_VALUE), null);
  public static final ConfigKey<Integer> LOG_RETENTION_HOURS =
      ConfigKey.of("log.retention.hours", intRange(-1, Integer.MAX_VALUE), 168);
  public static final ConfigKey<Long> LOG_RETENTION_BYTES =
      ConfigKey.of("log.retention.bytes", longRange(-1, MAX), -1L);
  public static final ConfigKey<Long> LOG_RETENTION_CHECK_INTERVAL_MS =
      ConfigKey.of("log.retention.check.interval.ms", longRange(1, MAX), 300_000L);
  public static final ConfigKey<List<String>> LOG_CLEANUP_POLICY =
      ConfigKey.of("log.cleanup.policy", list(oneOf("delete", "compact")), List.of("delete"));
  public static final ConfigKey<Boolean> LOG_CLEANER_ENABLE =
      ConfigKey.of("log.cleaner.enable", bool(), true);
  public static final ConfigKey<Long> LOG_CLEANER_BACKOFF_MS =
      ConfigKey.of("log.cleaner.backoff.ms", longRange(1, MAX), 15_000L);
  public static final ConfigKey<Long> LOG_CLEANER_DELETE_RETENTION_MS =
      ConfigKey.of("log.cleaner.delete.retention.ms", longRange(0, MAX), 86_400_000L);
  public static final ConfigKey<Long> LOG_CLEANER_MIN_COMPACTION_LAG_MS =
      ConfigKey.of("log.cleaner.min.compaction.lag.ms", longRange(0, MAX), 0L);
  public static final ConfigKey<Long> LOG_CLEANER_MAX_COMPACTION_LAG_MS =
      ConfigKey.of("log.cleaner.max.compaction.lag.ms", longRange(1, MAX), MAX);
  public static final ConfigKey<Double> LOG_CLEANER_MIN_CLEANABLE_RATIO =
      ConfigKey.of("log.cleaner.min.cleanable.ratio", KafkaValidators.doubleBetween(0, 1), 0.5);
  public static final ConfigKey<Long> LOG_LOCAL_RETENTION_MS =
      ConfigKey.of("log.local.retention.ms", longRange(-2, MAX), -2L);
  public static final ConfigKey<Long> LOG_LOCAL_RETENTION_BYTES =
      ConfigKey.of("log.local.retention.bytes", longRange(-2, MAX), -2L);
  public static final ConfigKey<Integer> LOG_INDEX_INTERVAL_BYTES =
      ConfigKey.of("log.index.interval.bytes", intRange(0, Integer.MAX_VALUE), 4096);
  public static final ConfigKey<Integer> LOG_INDEX_SIZE_MAX_BYTES =
      ConfigKey.of("log.index.size.max.bytes", intRange(4, Integer.MAX_VALUE), 10_485_760);
  public static final ConfigKey<Long> LOG_FLUSH_INTERVAL_MESSAGES =
      ConfigKey.of("log.flush.interval.messages", longRange(1, MAX), MAX);
  public static final ConfigKey<Long> LOG_FLUSH_INTERVAL_MS =
      ConfigKey.of("log.flush.interval.ms", longRange(0, MAX), null);
  public static final ConfigKey<Long> LOG_FLUSH_SCHEDULER_INTERVAL_MS =
      ConfigKey.of("log.flush.scheduler.interval.ms", longRange(1, MAX), MAX);
  public static final ConfigKey<String> LOG_MESSAGE_TIMESTAMP_TYPE =
      ConfigKey.of(
          "log.message.timestamp.type", oneOf("CreateTime", "LogAppendTime"), "CreateTime");
  public static final ConfigKey<Long> LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS =
      ConfigKey.of("log.message.timestamp.before.max.ms", longRange(0, MAX), MAX);
  public static final ConfigKey<Long> LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS =
      ConfigKey.of("log.message.timestamp.after.max.ms", longRange(0, MAX), 3_600_000L);
  public static final ConfigKey<String> COMPRESSION_TYPE =
      ConfigKey.of(
          "compression.type",
          oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
          "producer");
  public static final ConfigKey<Integer> COMPRESSION_GZIP_LEVEL =
      ConfigKey.of("compression.gzip.level", KafkaValidators.gzipLevel(), -1);
  public static final ConfigKey<Integer> COMPRESSION_LZ4_LEVEL =
      ConfigKey.of("compression.lz4.level", intRange(1, 17), 9);
  public static final ConfigKey<Integer> COMPRESSION_ZSTD_LEVEL =
      ConfigKey.of("compression.zstd.level", intRange(-131_072, 22), 3);
  public static final ConfigKey<Integer> MIN_INSYNC_REPLICAS =
      ConfigKey.of("min.insync.replicas", intRange(1, Integer.MAX_VALUE), 1);
  public static final ConfigKey<Boolean> UNCLEAN_LEADER_ELECTION =
      ConfigKey.of("unclean.leader.election.enable", bool(), false);
  public static final ConfigKey<Long> REPLICA_LAG_TIME_MAX_MS =
      ConfigKey.of("replica.lag.time.max.ms", longRange(1, MAX), 30_000L);
  public static final ConfigKey<Long> REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS =
      ConfigKey.of("replica.high.watermark.checkpoint.interval.ms", longRange(1, MAX), 5_000L);
  public static final ConfigKey<Integer> REPLICA_FETCH_WAIT_MAX_MS =
      ConfigKey.of("replica.fetch.wait.max.ms", intRange(0, Integer.MAX_VALUE), 500);
  public static final ConfigKey<Integer> REPLICA_FETCH_MIN_BYTES =
      ConfigKey.of("replica.fetch.min.bytes", intRange(1, Integer.MAX_VALUE), 1);
  public static final ConfigKey<Integer> REPLICA_FETCH_MAX_BYTES =
      ConfigKey.of("replica.fetch.max.bytes", intRange(0, Integer.MAX_VALUE), 1_048_576);
  public static final ConfigKey<Integer> REPLICA_FETCH_RESPONSE_MAX_BYTES =
      ConfigKey.of("replica.fetch.response.max.bytes", intRange(0, Integer.MAX_VALUE), 10_485_760);
  public static final ConfigKey<Integer> REPLICA_FETCH_BACKOFF_MS =
      ConfigKey.of("replica.fetch.backoff.ms", intRange(0, Integer.MAX_VALUE), 1_000);
  public static final ConfigKey<Integer> REPLICA_SOCKET_TIMEOUT_MS =
      ConfigKey.of("replica.socket.timeout.ms", intRange(1, Integer.MAX_VALUE), 30_000);
  public static final ConfigKey<Boolean> CONTROLLED_SHUTDOWN_ENABLE =
      ConfigKey.of("controlled.shutdown.enable", bool(), true);
  public static final ConfigKey<Boolean> AUTO_LEADER_REBALANCE_ENABLE =
      ConfigKey.of("auto.leader.rebalance.enable", bool(), true);
  public static final ConfigKey<Long> LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS =
      ConfigKey.of("leader.imbalance.check.interval.seconds", longRange(1, MAX), 300L);
  public static final ConfigKey<Integer> LEADER_IMBALANCE_PER_BROKER_PERCENTAGE =
      ConfigKey.of("leader.imbalance.per.broker.percentage", intRange(0, 100), 10);
  public static final ConfigKey<String> ZOOKEEPER_CONNECT =
      ConfigKey.of("zookeeper.connect", nonEmpty(), null);
  public static final ConfigKey<Integer> ZOOKEEPER_SESSION_TIMEOUT_MS =
      ConfigKey.of("zookeeper.session.timeout.ms", intRange(1, Integer.MAX_VALUE), 18_000);
  public static final ConfigKey<Integer> ZOOKEEPER_CONNECTION_TIMEOUT_MS =
      ConfigKey.of("zookeeper.connection.timeout.ms", intRange(1, Integer.MAX_VALUE), 18_000);
  public static final ConfigKey<Integer> OFFSETS_TOPIC_PARTITIONS =
      ConfigKey.of("offsets.topic.num.partitions", intRange(1, 10_000), 50);
  public static final ConfigKey<Integer> OFFSETS_TOPIC_REPLICATION_FACTOR =
      ConfigKey.of("offsets.topic.replication.factor", intRange(1, Short.MAX_VALUE), 1);
  public static final ConfigKey<Integer> OFFSETS_TOPIC_SEGMENT_BYTES =
      ConfigKey.of("offsets.topic.segment.bytes", intRange(1, Integer.MAX_VALUE), 104_857_600);
  public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_PARTITIONS =
      ConfigKey.of("transaction.state.log.num.partitions", intRange(1, 10_000), 50);
  public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_REPLICATION_FACTOR =
      ConfigKey.of("transaction.state.log.replication.factor", intRange(1, Short.MAX_VALUE), 3);
  public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_MIN_ISR =
      ConfigKey.of("transaction.state.log.min.isr", intRange(1, Short.MAX_VALUE), 2);
  public static final ConfigKey<Integer> OFFSETS_COMMIT_TIMEOUT_MS =
      ConfigKey.of("offsets.commit.timeout.ms", intRange(1, Integer.MAX_VALUE), 5_000);
  public static final ConfigKey<Integer> REQUEST_TIMEOUT_MS =
      ConfigKey.of("request.timeout.ms", intRange(1, Integer.MAX_VALUE), 30_000);
  public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_SEGMENT_BYTES =
      ConfigKey.of(
          "transaction.state.log.segment.bytes", intRange(1, Integer.MAX_VALUE), 104_857_600);
  public static final ConfigKey<Integer> TRANSACTION_MAX_TIMEOUT_MS =
      ConfigKey.of("transaction.max.timeout.ms", intRange(1, Integer.MAX_VALUE), 900_000);
  public static final ConfigKey<Integer> TRANSACTION_ABORT_CHECK_INTERVAL_MS =
      ConfigKey.of(
          "transaction.abort.timed.out.transaction.cleanup.interval.ms",
          intRange(1, Integer.MAX_VALUE),
          10_000);
  public static final ConfigKey<Integer> TRANSACTIONAL_ID_EXPIRATION_MS =
      ConfigKey.of("transactional.id.expiration.ms", intRange(1, Integer.MAX_VALUE), 604_800_000);
  public static final ConfigKey<Integer> TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS =
      ConfigKey.of(
          "transaction.remove.expired.transaction.cleanup.interval.ms",
          intRange(1, Integer.MAX_VALUE),
          3_600_000);
  public static final ConfigKey<Integer> OFFSETS_RETENTION_MINUTES =
      ConfigKey.of("offsets.retention.minutes", intRange(1, Integer.MAX_VALUE), 10_080);
  public static final ConfigKey<Integer> GROUP_MIN_SESSION_TIMEOUT_MS =
      ConfigKey.of("group.min.session.timeout.ms", intRange(0, Integer.MAX_VALUE), 6_000);
  public static final ConfigKey<Integer> GROUP_MAX_SESSION_TIMEOUT_MS =
      ConfigKey.of("group.max.session.timeout.ms", intRange(0, Integer.MAX_VALUE), 1_800_000);
  public static final ConfigKey<Integer> GROUP_INITIAL_REBALANCE_DELAY_MS =
      ConfigKey.of("group.initial.rebalance.delay.ms", intRange(0, Integer.MAX_VALUE), 3_000);
  public static final ConfigKey<Integer> GROUP_MAX_SIZE =
      ConfigKey.of("group.max.size", intRange(1, Integer.MAX_VALUE), Integer.MAX_VALUE);
  public static final ConfigKey<Long> PRODUCER_ID_EXPIRATION_MS =
      ConfigKey.of("producer.id.expiration.ms", longRange(1, MAX), 86_400_000L);
  public static final ConfigKey<Integer> PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS =
      ConfigKey.of(
          "producer.id.expiration.check.interval.ms", intRange(1, Integer.MAX_VALUE), 600_000);

  private static final ConfigSchema SCHEMA =
      new ConfigSchema(
          List.of(
              BROKER_ID,
              BROKER_RACK,
              LISTENERS,
              ADVERTISED_LISTENERS,
              ADMIN_HOST,
              ADMIN_PORT,
              LOG_DIRS,
              LOG_DIR,
              NUM_PARTITIONS,
              DEFAULT_REPLICATION_FACTOR,
              AUTO_CREATE_TOPICS,
              DELETE_TOPIC_ENABLE,
              NUM_NETWORK_THREADS,
              NUM_IO_THREADS,
              NUM_RECOVERY_THREADS,
              SOCKET_REQUEST_MAX_BYTES,
              SOCKET_SEND_BUFFER,
              SOCKET_RECEIVE_BUFFER,
              MESSAGE_MAX_BYTES,
              LOG_SEGMENT_BYTES,
              LOG_ROLL_MS,
              LOG_ROLL_HOURS,
              LOG_ROLL_JITTER_MS,
              LOG_ROLL_JITTER_HOURS,
              LOG_SEGMENT_DELETE_DELAY_MS,
              LOG_PREALLOCATE,
              LOG_RETENTION_MS,
              LOG_RETENTION_MINUTES,
              LOG_RETENTION_HOURS,
              LOG_RETENTION_BYTES,
              LOG_RETENTION_CHECK_INTERVAL_MS,
              LOG_CLEANUP_POLICY,
              LOG_CLEANER_ENABLE,
              LOG_CLEANER_BACKOFF_MS,
              LOG_CLEANER_DELETE_RETENTION_MS,
              LOG_CLEANER_MIN_COMPACTION_LAG_MS,
              LOG_CLEANER_MAX_COMPACTION_LAG_MS,
              LOG_CLEANER_MIN_CLEANABLE_RATIO,
              LOG_LOCAL_RETENTION_MS,
              LOG_LOCAL_RETENTION_BYTES,
              LOG_INDEX_INTERVAL_BYTES,
              LOG_INDEX_SIZE_MAX_BYTES,
              LOG_FLUSH_INTERVAL_MESSAGES,
              LOG_FLUSH_INTERVAL_MS,
              LOG_FLUSH_SCHEDULER_INTERVAL_MS,
              LOG_MESSAGE_TIMESTAMP_TYPE,
              LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
              LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
              COMPRESSION_TYPE,
              COMPRESSION_GZIP_LEVEL,
              COMPRESSION_LZ4_LEVEL,
              COMPRESSION_ZSTD_LEVEL,
              MIN_INSYNC_REPLICAS,
              UNCLEAN_LEADER_ELECTION,
              REPLICA_LAG_TIME_MAX_MS,
              REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS,
              REPLICA_FETCH_WAIT_MAX_MS,
              REPLICA_FETCH_MIN_BYTES,
              REPLICA_FETCH_MAX_BYTES,
              REPLICA_FETCH_RESPONSE_MAX_BYTES,
              REPLICA_FETCH_BACKOFF_MS,
              REPLICA_SOCKET_TIMEOUT_MS,
              CONTROLLED_SHUTDOWN_ENABLE,
              AUTO_LEADER_REBALANCE_ENABLE,
              LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
              LEADER_IMBALANCE_PER_BROKER_PERCENTAGE,
              ZOOKEEPER_CONNECT,
              ZOOKEEPER_SESSION_TIMEOUT_MS,
              ZOOKEEPER_CONNECTION_TIMEOUT_MS,
              OFFSETS_TOPIC_PARTITIONS,
              OFFSETS_TOPIC_REPLICATION_FACTOR,
              OFFSETS_TOPIC_SEGMENT_BYTES,
              OFFSETS_RETENTION_MINUTES,
              TRANSACTION_STATE_LOG_PARTITIONS,
              TRANSACTION_STATE_LOG_REPLICATION_FACTOR,
              TRANSACTION_STATE_LOG_SEGMENT_BYTES,
              TRANSACTION_STATE_LOG_MIN_ISR,
              OFFSETS_COMMIT_TIMEOUT_MS,
              REQUEST_TIMEOUT_MS,
              TRANSACTION_MAX_TIMEOUT_MS,
              TRANSACTION_ABORT_CHECK_INTERVAL_MS,
              TRANSACTIONAL_ID_EXPIRATION_MS,
              TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS,
              GROUP_MIN_SESSION_TIMEOUT_MS,
              GROUP_MAX_SESSION_TIMEOUT_MS,
              GROUP_INITIAL_REBALANCE_DELAY_MS,
              GROUP_MAX_SIZE,
              PRODUCER_ID_EXPIRATION_MS,
              PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS));

  private final Config config;
  private final List<Listener> listeners;
  private final List<Listener> advertised;

  private BrokerConfig(Config config) {
    this.config = config;
    this.listeners = Listener.parseAll(LISTENERS.name(), config.get(LISTENERS));
    String adv = config.get(ADVERTISED_LISTENERS);
    this.advertised = adv == null ? listeners : Listener.parseAll(ADVERTISED_LISTENERS.name(), adv);
    if (config.isSet(LOG_ROLL_MS) && config.get(LOG_ROLL_MS) <= 0) {
      throw ConfigException.invalidValue(LOG_ROLL_MS.name(), "" + config.get(LOG_ROLL_MS), "> 0");
    }
  }

  /** Parses already-split key/value pairs (tests and {@link #fromArgs}). */
  public static BrokerConfig of(Map<String, String> raw) {
    return new BrokerConfig(SCHEMA.parse(raw));
  }

  /**
   * {@code server.properties [--override key=value ...]}, as kafka-server-start.sh takes them.
   * Overrides win over the file.
   */
  public static BrokerConfig fromArgs(String[] args) throws IOException {
    if (args.length == 0) {
      throw new ConfigException("usage: cairn-broker server.properties [--override key=value ...]");
    }
    Map<String, String> raw = new LinkedHashMap<>();
    int i = 0;
    if (!args[0].startsWith("--")) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
        props.load(in);
      }
      props.stringPropertyNames().stream().sorted().forEach(k -> raw.put(k, props.getProperty(k)));
      i = 1;
    }
    for (; i < args.length; i++) {
      if (!args[i].equals("--override") || i + 1 >= args.length) {
        throw new ConfigException("unexpected argument '" + args[i] + "'");
      }
      String kv = args[++i];
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--override expects key=value, got '" + kv + "'");
      }
      raw.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
    }
    return of(raw);
  }

  public <T> T get(ConfigKey<T> key) {
    return config.get(key);
  }

  public int brokerId() {
    return config.get(BROKER_ID);
  }

  public List<Listener> listeners() {
    return listeners;
  }

  public List<Listener> advertisedListeners() {
    return advertised;
  }

  /** {@code log.dirs} if set, else {@code log.dir}, as in Kafka. */
  public List<Path> logDirs() {
    List<String> dirs = config.get(LOG_DIRS);
    if (dirs == null || dirs.isEmpty()) {
      dirs = List.of(config.get(LOG_DIR));
    }
    return dirs.stream().map(Path::of).toList();
  }

  /** Kafka's precedence: log.roll.ms, else log.roll.hours. */
  public long logRollMs() {
    Long ms = config.get(LOG_ROLL_MS);
    return ms != null ? ms : config.get(LOG_ROLL_HOURS) * 3_600_000L;
  }

  /** Kafka's precedence: log.roll.jitter.ms, else log.roll.jitter.hours. */
  public long logRollJitterMs() {
    Long ms = config.get(LOG_ROLL_JITTER_MS);
    return ms != null ? ms : config.get(LOG_ROLL_JITTER_HOURS) * 3_600_000L;
  }

  /** Kafka's precedence: ms, minutes, hours; negative means unlimited (-1). */
  public long logRetentionMs() {
    Long ms = config.get(LOG_RETENTION_MS);
    if (ms != null) {
      return ms < 0 ? -1 : ms;
    }
    Integer minutes = config.get(LOG_RETENTION_MINUTES);
    if (minutes != null) {
      return minutes < 0 ? -1 : minutes * 60_000L;
    }
    int hours = config.get(LOG_RETENTION_HOURS);
    return hours < 0 ? -1 : hours * 3_600_000L;
  }

  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms, as Kafka resolves it. */
  public long logFlushIntervalMs() {
    Long ms = config.get(LOG_FLUSH_INTERVAL_MS);
    return ms != null ? ms : config.get(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
  }

  /**
   * This configuration with {@code name} set to {@code raw} (a dynamic change), validated as at
   * start-up; throws {@link ConfigException}.
   */
  public BrokerConfig with(String name, String raw) {
    return new BrokerConfig(config.with(name, raw));
  }

  /** The raw text of every key that was set, for DescribeConfigs of the broker resource. */
  public Config raw() {
    return config;
  }

  public static ConfigSchema schema() {
    return SCHEMA;
  }
}
