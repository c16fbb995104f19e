package dev.cairn.common.config;

/**
 * One configuration key: its name as users write it, how to parse it, and its default.
 *
 * @param name the key as it appears in the engine's native config file
 * @param parser parses and range-checks the value
 * @param defaultValue the value when the key is absent (may be null when there is none)
 * @param <T> the value's type
 */
public record ConfigKey<T>(String name, ValueParser<T> parser, T defaultValue) {

  public static <T> ConfigKey<T> of(String name, ValueParser<T> parser, T defaultValue) {
    return new ConfigKey<>(name, parser, defaultValue);
  }

  /** Parses {@code raw} for this key, or throws a {@link ConfigException} naming key and value. */
  public T parse(String raw) {
    try {
      return parser.parse(raw.trim());
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalidValue(name, raw, parser.allowed());
    }
  }
}
