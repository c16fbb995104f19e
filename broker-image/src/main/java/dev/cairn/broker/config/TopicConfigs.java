package dev.cairn.broker.config;

import static dev.cairn.broker.config.KafkaValidators.anyLong;
import static dev.cairn.broker.config.KafkaValidators.bool;
import static dev.cairn.broker.config.KafkaValidators.doubleBetween;
import static dev.cairn.broker.config.KafkaValidators.gzipLevel;
import static dev.cairn.broker.config.KafkaValidators.intAtLeast;
import static dev.cairn.broker.config.KafkaValidators.intBetween;
import static dev.cairn.broker.config.KafkaValidators.listOf;
import static dev.cairn.broker.config.KafkaValidators.longAtLeast;
import static dev.cairn.broker.config.KafkaValidators.oneOf;
import static dev.cairn.broker.config.KafkaValidators.throttledReplicas;

import dev.cairn.common.config.ConfigKey;
import dev.cairn.common.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-topic configuration keys — all 33 of Kafka 4 — each with Kafka's type and validation and
 * the broker key it falls back to: the table behind CreateTopics configs, DescribeConfigs and
 * (Incremental)AlterConfigs of topics.
 *
 * <p>A topic stores only the keys set for it; everything else comes from the broker's config at the
 * time of use, reported with source DEFAULT_CONFIG or STATIC_BROKER_CONFIG as Kafka does. Keys that
 * Kafka gives no broker synonym (throttled replicas, tiered storage) report Kafka's default.
 *
 * <p>What each key does here is in docs/broker.md; in short, the log applies the segment,
 * retention, flush, index, timestamp, cleaner and deletion keys; {@code
 * unclean.leader.election.enable} and the throttled-replica lists are stored for leader election
 * and replication; the compression levels are stored (batches are kept as produced, so nothing is
 * recompressed); tiered storage is refused when enabled, as a Kafka broker without it refuses it.
 */
public final class TopicConfigs {
  /**
   * One topic key; {@code brokerSynonyms} are the broker keys it falls back to, in Kafka's order of
   * precedence (empty when Kafka has none); {@code brokerDefault} renders the effective
   * broker-level value as text.
   */
  public record Key(
      String name,
      ValueParser<?> parser,
      List<String> brokerSynonyms,
      Function<BrokerConfig, String> brokerDefault) {}

  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
  public static final String PREALLOCATE = "preallocate";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
  public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
  public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
  public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
  public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
  public static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
  public static final String FOLLOWER_THROTTLED_REPLICAS =
      "follower.replication.throttled.replicas";
  public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
  public static final String LOCAL_RETENTION_MS = "local.retention.ms";
  public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
  public static final String REMOTE_LOG_COPY_DISABLE = "remote.log.copy.disable";
  public static final String REMOTE_LOG_DELETE_ON_DISABLE = "remote.log.delete.on.disable";

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    add(
        CLEANUP_POLICY,
        listOf("compact", "delete"),
        BrokerConfig.LOG_CLEANUP_POLICY,
        c -> String.join(",", c.get(BrokerConfig.LOG_CLEANUP_POLICY)));
    add(
        SEGMENT_BYTES,
        // Kafka 4's minimum for a topic (the broker-wide log.segment.bytes may be smaller).
        intAtLeast(1 << 20),
        BrokerConfig.LOG_SEGMENT_BYTES,
        c -> "" + c.get(BrokerConfig.LOG_SEGMENT_BYTES));
    add(
        SEGMENT_MS,
        longAtLeast(1),
        List.of(BrokerConfig.LOG_ROLL_MS.name(), BrokerConfig.LOG_ROLL_HOURS.name()),
        c -> "" + c.logRollMs());
    add(
        SEGMENT_JITTER_MS,
        longAtLeast(0),
        List.of(BrokerConfig.LOG_ROLL_JITTER_MS.name(), BrokerConfig.LOG_ROLL_JITTER_HOURS.name()),
        c -> "" + c.logRollJitterMs());
    add(
        RETENTION_MS,
        longAtLeast(-1),
        List.of(
            BrokerConfig.LOG_RETENTION_MS.name(),
            BrokerConfig.LOG_RETENTION_MINUTES.name(),
            BrokerConfig.LOG_RETENTION_HOURS.name()),
        c -> "" + c.logRetentionMs());
    addSimple(RETENTION_BYTES, anyLong(), BrokerConfig.LOG_RETENTION_BYTES);
    addSimple(MAX_MESSAGE_BYTES, intAtLeast(0), BrokerConfig.MESSAGE_MAX_BYTES);
    addSimple(INDEX_INTERVAL_BYTES, intAtLeast(0), BrokerConfig.LOG_INDEX_INTERVAL_BYTES);
    addSimple(SEGMENT_INDEX_BYTES, intAtLeast(4), BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES);
    addSimple(FLUSH_MESSAGES, longAtLeast(1), BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES);
    add(
        FLUSH_MS,
        longAtLeast(0),
        List.of(
            BrokerConfig.LOG_FLUSH_INTERVAL_MS.name(),
            BrokerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS.name()),
        c -> "" + c.logFlushIntervalMs());
    addSimple(DELETE_RETENTION_MS, longAtLeast(0), BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS);
    addSimple(
        MIN_COMPACTION_LAG_MS, longAtLeast(0), BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS);
    addSimple(
        MAX_COMPACTION_LAG_MS, longAtLeast(1), BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS);
    addSimple(
        MIN_CLEANABLE_DIRTY_RATIO,
        doubleBetween(0, 1),
        BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO);
    addSimple(FILE_DELETE_DELAY_MS, longAtLeast(0), BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS);
    addSimple(PREALLOCATE, bool(), BrokerConfig.LOG_PREALLOCATE);
    addSimple(MIN_INSYNC_REPLICAS, intAtLeast(1), BrokerConfig.MIN_INSYNC_REPLICAS);
    addSimple(
        MESSAGE_TIMESTAMP_TYPE,
        oneOf("CreateTime", "LogAppendTime"),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE);
    addSimple(
        MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
        longAtLeast(0),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
    addSimple(
        MESSAGE_TIMESTAMP_AFTER_MAX_MS,
        longAtLeast(0),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    addSimple(
        COMPRESSION_TYPE,
        oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
        BrokerConfig.COMPRESSION_TYPE);
    addSimple(COMPRESSION_GZIP_LEVEL, gzipLevel(), BrokerConfig.COMPRESSION_GZIP_LEVEL);
    addSimple(COMPRESSION_LZ4_LEVEL, intBetween(1, 17), BrokerConfig.COMPRESSION_LZ4_LEVEL);
    addSimple(
        COMPRESSION_ZSTD_LEVEL, intBetween(-131_072, 22), BrokerConfig.COMPRESSION_ZSTD_LEVEL);
    addSimple(UNCLEAN_LEADER_ELECTION, bool(), BrokerConfig.UNCLEAN_LEADER_ELECTION);
    add(
        LEADER_THROTTLED_REPLICAS,
        throttledReplicas(LEADER_THROTTLED_REPLICAS),
        List.of(),
        c -> "");
    add(
        FOLLOWER_THROTTLED_REPLICAS,
        throttledReplicas(FOLLOWER_THROTTLED_REPLICAS),
        List.of(),
        c -> "");
    add(REMOTE_STORAGE_ENABLE, bool(), List.of(), c -> "false");
    addSimple(LOCAL_RETENTION_MS, longAtLeast(-2), BrokerConfig.LOG_LOCAL_RETENTION_MS);
    addSimple(LOCAL_RETENTION_BYTES, longAtLeast(-2), BrokerConfig.LOG_LOCAL_RETENTION_BYTES);
    add(REMOTE_LOG_COPY_DISABLE, bool(), List.of(), c -> "false");
    add(REMOTE_LOG_DELETE_ON_DISABLE, bool(), List.of(), c -> "false");
  }

  private TopicConfigs() {}

  /** A key whose broker synonym is one broker key, rendered as that key's value. */
  private static void addSimple(String name, ValueParser<?> parser, ConfigKey<?> synonym) {
    add(
        name,
        parser,
        List.of(synonym.name()),
        c -> {
          Object v = c.get(synonym);
          return v instanceof List<?> l
              ? String.join(",", l.stream().map(Object::toString).toList())
              : String.valueOf(v);
        });
  }

  private static void add(
      String name,
      ValueParser<?> parser,
      ConfigKey<?> synonym,
      Function<BrokerConfig, String> def) {
    add(name, parser, List.of(synonym.name()), def);
  }

  private static void add(
      String name,
      ValueParser<?> parser,
      List<String> synonyms,
      Function<BrokerConfig, String> def) {
    KEYS.put(name, new Key(name, parser, synonyms, def));
  }

  public static List<Key> keys() {
    return List.copyOf(KEYS.values());
  }

  /** The key named {@code name}, or null if topics have no such key. */
  public static Key key(String name) {
    return KEYS.get(name);
  }

  /**
   * Checks one topic override; returns null when valid, else the message Kafka shows with
   * INVALID_CONFIG ({@code Invalid value <v> for configuration <name>: <reason>}).
   */
  public static String validate(String name, String value) {
    Key key = KEYS.get(name);
    if (key == null) {
      return "Unknown topic config name: " + name;
    }
    if (value == null) {
      return null;
    }
    try {
      Object parsed = key.parser().parse(value.trim());
      if (name.equals(REMOTE_STORAGE_ENABLE) && Boolean.TRUE.equals(parsed)) {
        return "Tiered Storage functionality is disabled in the broker. Topic cannot be configured"
            + " with remote log storage.";
      }
      return null;
    } catch (KafkaValidators.Refusal e) {
      return "Invalid value " + e.shown + " for configuration " + name + ": " + e.getMessage();
    } catch (IllegalArgumentException e) {
      return "Invalid value " + value + " for configuration " + name + ": " + e.getMessage();
    }
  }

  /** The effective value of {@code name} for a topic with {@code overrides}. */
  public static String effective(BrokerConfig broker, Map<String, String> overrides, String name) {
    String v = overrides.get(name);
    return v != null ? v : KEYS.get(name).brokerDefault().apply(broker);
  }
}
