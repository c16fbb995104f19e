package dev.cairn.broker.config;

import dev.cairn.common.config.ConfigException;
import dev.cairn.common.config.ConfigKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's configuration in Kafka's layers, highest first: this broker's dynamic configs
 * (DYNAMIC_BROKER_CONFIG, {@code /config/brokers/<id>}), the cluster-wide dynamic defaults
 * (DYNAMIC_DEFAULT_BROKER_CONFIG, {@code /config/brokers/<default>}), server.properties
 * (STATIC_BROKER_CONFIG) and Kafka's defaults (DEFAULT_CONFIG). {@link #effective} is what the
 * broker runs with; sources and synonyms are what DescribeConfigs reports. Immutable: a change in
 * the coordinator builds new layers.
 */
public record BrokerConfigLayers(
    BrokerConfig statics,
    Map<String, String> clusterDefault,
    Map<String, String> perBroker,
    BrokerConfig effective) {
  private static final Logger log = LoggerFactory.getLogger(BrokerConfigLayers.class);

  /** One value a key has in one layer. */
  public record Synonym(String name, String value, ConfigSource source) {}

  /** Only server.properties and defaults. */
  public static BrokerConfigLayers of(BrokerConfig statics) {
    return new BrokerConfigLayers(statics, Map.of(), Map.of(), statics);
  }

  /**
   * The layers for broker {@code brokerId} given the dynamic configs by entity (broker id or {@code
   * <default>}). A stored value this broker cannot parse (written by another tool) is skipped with
   * a warning rather than stopping the broker.
   */
  public static BrokerConfigLayers of(
      BrokerConfig statics, Map<String, Map<String, String>> byEntity, int brokerId) {
    Map<String, String> clusterDefault = byEntity.getOrDefault("<default>", Map.of());
    Map<String, String> perBroker = byEntity.getOrDefault("" + brokerId, Map.of());
    Map<String, String> overrides = new LinkedHashMap<>(clusterDefault);
    overrides.putAll(perBroker);
    BrokerConfig effective = statics;
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!BrokerConfig.schema().keys().stream().anyMatch(k -> k.name().equals(e.getKey()))) {
        continue; // a dynamic-only key (throttles): no static value to override
      }
      try {
        effective = effective.with(e.getKey(), e.getValue());
      } catch (ConfigException bad) {
        log.warn("ignoring dynamic broker config {}: {}", e.getKey(), bad.getMessage());
      }
    }
    return new BrokerConfigLayers(statics, clusterDefault, perBroker, effective);
  }

  /** Where {@code name}'s value comes from. */
  public ConfigSource source(String name) {
    if (perBroker.containsKey(name)) {
      return ConfigSource.DYNAMIC_BROKER_CONFIG;
    }
    if (clusterDefault.containsKey(name)) {
      return ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
    }
    ConfigKey<?> key = staticKey(name);
    return key != null && statics.raw().isSet(key)
        ? ConfigSource.STATIC_BROKER_CONFIG
        : ConfigSource.DEFAULT_CONFIG;
  }

  /** Whether any layer above Kafka's defaults sets {@code name}. */
  public boolean isSet(String name) {
    return source(name) != ConfigSource.DEFAULT_CONFIG;
  }

  /** The value of {@code name} in every layer that has one, highest first. */
  public List<Synonym> synonyms(String name) {
    List<Synonym> out = new ArrayList<>();
    if (perBroker.containsKey(name)) {
      out.add(new Synonym(name, perBroker.get(name), ConfigSource.DYNAMIC_BROKER_CONFIG));
    }
    if (clusterDefault.containsKey(name)) {
      out.add(
          new Synonym(name, clusterDefault.get(name), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
    }
    ConfigKey<?> key = staticKey(name);
    if (key != null && statics.raw().isSet(key)) {
      out.add(new Synonym(name, render(statics.raw().get(key)), ConfigSource.STATIC_BROKER_CONFIG));
    }
    if (key != null && key.defaultValue() != null) {
      out.add(new Synonym(name, render(key.defaultValue()), ConfigSource.DEFAULT_CONFIG));
    }
    return out;
  }

  /**
   * Kafka's synonyms of a key that has {@code names} (the key first, then the keys it falls back
   * to, e.g. log.retention.ms, .minutes, .hours): layer by layer, highest first, every name the
   * layer sets — and nothing before the first entry of the key itself, so a key no layer sets has
   * none, as Kafka reports it.
   */
  public List<Synonym> synonyms(List<String> names) {
    List<Synonym> all = new ArrayList<>();
    for (ConfigSource layer :
        List.of(
            ConfigSource.DYNAMIC_BROKER_CONFIG,
            ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
            ConfigSource.STATIC_BROKER_CONFIG,
            ConfigSource.DEFAULT_CONFIG)) {
      for (String name : names) {
        synonyms(name).stream().filter(y -> y.source() == layer).forEach(all::add);
      }
    }
    int first = 0;
    while (first < all.size() && !all.get(first).name().equals(names.get(0))) {
      first++;
    }
    return all.subList(first, all.size());
  }

  /** The value {@code name} has in the highest layer that sets it, as text. */
  public String value(String name) {
    List<Synonym> all = synonyms(name);
    if (!all.isEmpty()) {
      return all.get(0).value();
    }
    return DynamicBrokerKeys.rateDefaults().get(name);
  }

  private static ConfigKey<?> staticKey(String name) {
    return BrokerConfig.schema().keys().stream()
        .filter(k -> k.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** A configured value as Kafka prints it (lists comma-separated). */
  public static String render(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(Object::toString).toList());
    }
    return value.toString();
  }
}
