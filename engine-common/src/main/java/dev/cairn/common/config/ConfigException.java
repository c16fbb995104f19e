package dev.cairn.common.config;

/**
 * A configuration that cannot start an engine; the message names the key, the value and the rule.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public static ConfigException unknownKey(String key) {
    return new ConfigException("unknown configuration key '" + key + "'");
  }

  public static ConfigException invalidValue(String key, String value, String allowed) {
    return new ConfigException(
        "invalid value '" + value + "' for '" + key + "': expected " + allowed);
  }
}
