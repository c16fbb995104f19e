package dev.cairn.broker.config;

import dev.cairn.common.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker keys that (Incremental)AlterConfigs may change at run time, per broker or as the
 * cluster-wide default, as Kafka's DynamicLogConfig and DynamicReplicationConfig allow: every
 * broker key a topic config falls back to ({@code log.retention.ms}, {@code log.segment.bytes},
 * {@code message.max.bytes}, …) — they take effect on every log at once — and the replication
 * throttles, which exist only as dynamic keys (stored for replication), and {@code
 * producer.id.expiration.ms} (Kafka's DynamicProducerStateManagerConfig: read at each expiry pass).
 * Everything else in server.properties is static.
 */
public final class DynamicBrokerKeys {
  private DynamicBrokerKeys() {}

  public static final String LEADER_THROTTLED_RATE = "leader.replication.throttled.rate";
  public static final String FOLLOWER_THROTTLED_RATE = "follower.replication.throttled.rate";

  /** Throttle rates in bytes per second, unlimited by default; no server.properties key. */
  private static final Map<String, ValueParser<Long>> RATES = new LinkedHashMap<>();

  static {
    for (String rate :
        List.of(
            LEADER_THROTTLED_RATE,
            FOLLOWER_THROTTLED_RATE,
            "replica.alter.log.dirs.io.max.bytes.per.second")) {
      RATES.put(rate, KafkaValidators.longAtLeast(0));
    }
  }

  /** The dynamic-only keys, with their default (unlimited). */
  public static Map<String, String> rateDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    RATES.keySet().forEach(k -> defaults.put(k, "" + Long.MAX_VALUE));
    return defaults;
  }

  /**
   * A throttle rate as broker {@code brokerId} runs with it: its own dynamic value, else the
   * cluster-wide default, else unlimited ({@code Long.MAX_VALUE}).
   *
   * @param byEntity dynamic broker configs by entity (a broker id or {@code <default>})
   */
  public static long rate(Map<String, Map<String, String>> byEntity, int brokerId, String name) {
    String value = byEntity.getOrDefault("" + brokerId, Map.of()).get(name);
    if (value == null) {
      value = byEntity.getOrDefault("<default>", Map.of()).get(name);
    }
    try {
      return value == null ? Long.MAX_VALUE : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // validated when written; another tool's garbage throttles nothing
    }
  }

  public static boolean isDynamic(String name) {
    return RATES.containsKey(name)
        || name.equals(BrokerConfig.PRODUCER_ID_EXPIRATION_MS.name())
        || TopicConfigs.keys().stream().anyMatch(k -> k.brokerSynonyms().contains(name));
  }

  /**
   * Checks one dynamic broker config; null when it may be set, else Kafka's message (for a key that
   * is not dynamic, or a value it refuses).
   */
  public static String validate(String name, String value) {
    if (!isDynamic(name)) {
      return "Cannot update these configs dynamically: Set(" + name + ")";
    }
    if (value == null) {
      return null;
    }
    ValueParser<?> parser =
        RATES.containsKey(name) ? RATES.get(name) : BrokerConfig.schema().key(name).parser();
    try {
      parser.parse(value.trim());
      return null;
    } catch (IllegalArgumentException e) {
      return "Invalid value "
          + value
          + " for configuration "
          + name
          + ": "
          + (e.getMessage() != null && !e.getMessage().equals(value.trim())
              ? e.getMessage()
              : "expected " + parser.allowed());
    }
  }
}
