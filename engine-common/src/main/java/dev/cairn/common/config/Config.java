package dev.cairn.common.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated configuration: typed values by {@link ConfigKey}, defaults for keys not set.
 *
 * <p>Immutable; {@link #with} returns a copy, which is how live changes (e.g. {@code CONFIG SET})
 * are applied after the same validation as start-up.
 */
public final class Config {
  private final ConfigSchema schema;
  private final Map<ConfigKey<?>, Object> values;

  Config(ConfigSchema schema, Map<ConfigKey<?>, Object> values) {
    this.schema = schema;
    this.values = Map.copyOf(values);
  }

  public ConfigSchema schema() {
    return schema;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key);
    return v != null ? (T) v : key.defaultValue();
  }

  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key);
  }

  /** A copy with {@code name} set to the parsed {@code raw}; throws {@link ConfigException}. */
  public Config with(String name, String raw) {
    ConfigKey<?> key = schema.key(name);
    Map<ConfigKey<?>, Object> copy = new LinkedHashMap<>(values);
    copy.put(key, key.parse(raw));
    return new Config(schema, copy);
  }
}
