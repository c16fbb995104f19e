package dev.cairn.common.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys an engine accepts. Parsing a raw key/value map checks every key and value up front, so a
 * bad configuration fails start-up with one clear message instead of at first use.
 */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();

  public ConfigSchema(Collection<ConfigKey<?>> keys) {
    for (ConfigKey<?> key : keys) {
      if (this.keys.put(key.name(), key) != null) {
        throw new IllegalArgumentException("duplicate configuration key " + key.name());
      }
    }
  }

  public Collection<ConfigKey<?>> keys() {
    return keys.values();
  }

  /** The key named {@code name}, or a {@link ConfigException} saying it is unknown. */
  public ConfigKey<?> key(String name) {
    ConfigKey<?> key = keys.get(name);
    if (key == null) {
      throw ConfigException.unknownKey(name);
    }
    return key;
  }

  /** Validates {@code raw} (key → text) against the schema. */
  public Config parse(Map<String, String> raw) {
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      ConfigKey<?> key = key(e.getKey());
      values.put(key, key.parse(e.getValue()));
    }
    return new Config(this, values);
  }
}
