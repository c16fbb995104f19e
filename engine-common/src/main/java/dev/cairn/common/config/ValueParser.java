package dev.cairn.common.config;

/**
 * Turns the text of one configuration value into a typed value.
 *
 * @param <T> the value's type
 */
public interface ValueParser<T> {
  /**
   * Parses {@code raw}; throws {@link IllegalArgumentException} (any message) when it is not
   * allowed, and the caller reports {@link #allowed()}.
   */
  T parse(String raw);

  /** What values are allowed, phrased to follow "expected ", e.g. "an integer in [1, 65535]". */
  String allowed();
}
