package dev.cairn.broker.config;

import static dev.cairn.common.config.Parsers.bool;
import static dev.cairn.common.config.Parsers.intRange;
import static dev.cairn.common.config.Parsers.list;
import static dev.cairn.common.config.Parsers.longRange;
import static dev.cairn.common.config.Parsers.oneOf;

import dev.cairn.common.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-topic configuration keys (Kafka's names), each with the broker key it falls back to — the
 * table behind CreateTopics configs, DescribeConfigs and (Incremental)AlterConfigs of topics.
 *
 * <p>A topic stores only the keys set for it; everything else comes from the broker's config at the
 * time of use, reported with source DEFAULT_CONFIG or STATIC_BROKER_CONFIG as Kafka does.
 */
public final class TopicConfigs {
  /**
   * One topic key; {@code brokerSynonyms} are the broker keys it falls back to, in Kafka's order of
   * precedence; {@code brokerDefault} renders the effective broker-level value as text.
   */
  public record Key(
      String name,
      ValueParser<?> parser,
      List<String> brokerSynonyms,
      Function<BrokerConfig, String> brokerDefault) {}

  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
  public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    add(
        CLEANUP_POLICY,
        list(oneOf("delete", "compact")),
        BrokerConfig.LOG_CLEANUP_POLICY.name(),
        c -> String.join(",", c.get(BrokerConfig.LOG_CLEANUP_POLICY)));
    add(
        SEGMENT_BYTES,
        // Kafka 4's minimum for a topic (the broker-wide log.segment.bytes may be smaller).
        intRange(1 << 20, Integer.MAX_VALUE),
        BrokerConfig.LOG_SEGMENT_BYTES.name(),
        c -> "" + c.get(BrokerConfig.LOG_SEGMENT_BYTES));
    add(
        SEGMENT_MS,
        longRange(1, Long.MAX_VALUE),
        List.of(BrokerConfig.LOG_ROLL_MS.name(), BrokerConfig.LOG_ROLL_HOURS.name()),
        c -> "" + c.logRollMs());
    add(
        RETENTION_MS,
        longRange(-1, Long.MAX_VALUE),
        List.of(
            BrokerConfig.LOG_RETENTION_MS.name(),
            BrokerConfig.LOG_RETENTION_MINUTES.name(),
            BrokerConfig.LOG_RETENTION_HOURS.name()),
        c -> "" + c.logRetentionMs());
    add(
        RETENTION_BYTES,
        longRange(-1, Long.MAX_VALUE),
        BrokerConfig.LOG_RETENTION_BYTES.name(),
        c -> "" + c.get(BrokerConfig.LOG_RETENTION_BYTES));
    add(
        MAX_MESSAGE_BYTES,
        intRange(0, Integer.MAX_VALUE),
        BrokerConfig.MESSAGE_MAX_BYTES.name(),
        c -> "" + c.get(BrokerConfig.MESSAGE_MAX_BYTES));
    add(
        INDEX_INTERVAL_BYTES,
        intRange(0, Integer.MAX_VALUE),
        BrokerConfig.LOG_INDEX_INTERVAL_BYTES.name(),
        c -> "" + c.get(BrokerConfig.LOG_INDEX_INTERVAL_BYTES));
    add(
        SEGMENT_INDEX_BYTES,
        intRange(4, Integer.MAX_VALUE),
        BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES.name(),
        c -> "" + c.get(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES));
    add(
        FLUSH_MESSAGES,
        longRange(1, Long.MAX_VALUE),
        BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES.name(),
        c -> "" + c.get(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES));
    add(
        FLUSH_MS,
        longRange(0, Long.MAX_VALUE),
        List.of(
            BrokerConfig.LOG_FLUSH_INTERVAL_MS.name(),
            BrokerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS.name()),
        c -> "" + c.logFlushIntervalMs());
    add(
        DELETE_RETENTION_MS,
        longRange(0, Long.MAX_VALUE),
        BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS.name(),
        c -> "" + c.get(BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS));
    add(
        MIN_INSYNC_REPLICAS,
        intRange(1, Integer.MAX_VALUE),
        BrokerConfig.MIN_INSYNC_REPLICAS.name(),
        c -> "" + c.get(BrokerConfig.MIN_INSYNC_REPLICAS));
    add(
        MESSAGE_TIMESTAMP_TYPE,
        oneOf("CreateTime", "LogAppendTime"),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE.name(),
        c -> c.get(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE));
    add(
        MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
        longRange(0, Long.MAX_VALUE),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS.name(),
        c -> "" + c.get(BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS));
    add(
        MESSAGE_TIMESTAMP_AFTER_MAX_MS,
        longRange(0, Long.MAX_VALUE),
        BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS.name(),
        c -> "" + c.get(BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS));
    add(
        COMPRESSION_TYPE,
        oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
        BrokerConfig.COMPRESSION_TYPE.name(),
        c -> c.get(BrokerConfig.COMPRESSION_TYPE));
    add(
        UNCLEAN_LEADER_ELECTION,
        bool(),
        BrokerConfig.UNCLEAN_LEADER_ELECTION.name(),
        c -> "" + c.get(BrokerConfig.UNCLEAN_LEADER_ELECTION));
  }

  private TopicConfigs() {}

  private static void add(
      String name, ValueParser<?> parser, String synonym, Function<BrokerConfig, String> def) {
    add(name, parser, List.of(synonym), def);
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
   * Checks one topic override; returns null when valid, else the message Kafka-style clients show
   * with INVALID_CONFIG.
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
      key.parser().parse(value.trim());
      return null;
    } catch (IllegalArgumentException e) {
      return "Invalid value "
          + value
          + " for configuration "
          + name
          + ": expected "
          + key.parser().allowed();
    }
  }

  /** The effective value of {@code name} for a topic with {@code overrides}. */
  public static String effective(BrokerConfig broker, Map<String, String> overrides, String name) {
    String v = overrides.get(name);
    return v != null ? v : KEYS.get(name).brokerDefault().apply(broker);
  }
}
