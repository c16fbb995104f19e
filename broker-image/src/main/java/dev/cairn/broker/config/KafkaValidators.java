package dev.cairn.broker.config;

import dev.cairn.common.config.ValueParser;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Value parsers that accept exactly what Kafka's {@code ConfigDef} types and validators accept for
 * topic configs, and refuse with Kafka's reason ({@code "Value must be at least 1"}, {@code "Not a
 * number of type LONG"}, {@code "String must be one of: ..."}) as the exception message; {@link
 * TopicConfigs#validate} prefixes it as Kafka does: {@code Invalid value <v> for configuration
 * <name>: <reason>}.
 */
public final class KafkaValidators {
  private KafkaValidators() {}

  /**
   * Kafka's replica list for throttles: {@code *} or {@code partition:broker} pairs, each trimmed.
   */
  private static final Pattern THROTTLED_REPLICA = Pattern.compile("[0-9]+:[0-9]+");

  public static ValueParser<Long> longAtLeast(long min) {
    return number("LONG", Long::parseLong, min, Long.MAX_VALUE, "at least " + min);
  }

  public static ValueParser<Long> anyLong() {
    return number("LONG", Long::parseLong, Long.MIN_VALUE, Long.MAX_VALUE, "any");
  }

  public static ValueParser<Integer> intAtLeast(int min) {
    return number("INT", Integer::parseInt, min, Integer.MAX_VALUE, "at least " + min);
  }

  public static ValueParser<Integer> intBetween(int min, int max) {
    return number("INT", Integer::parseInt, min, max, "in [" + min + ", " + max + "]");
  }

  public static ValueParser<Double> doubleBetween(int min, int max) {
    return number("DOUBLE", Double::parseDouble, min, max, "in [" + min + ", " + max + "]");
  }

  /** Kafka's gzip level: 1 to 9, or -1 for the codec's default. */
  public static ValueParser<Integer> gzipLevel() {
    return parser(
        raw -> {
          int v = parseNumber("INT", Integer::parseInt, raw);
          if (v != -1 && (v < 1 || v > 9)) {
            throw new IllegalArgumentException("Value must be between 1 and 9 or equal to -1");
          }
          return v;
        },
        "1 to 9, or -1");
  }

  /** Kafka's BOOLEAN: true or false in any case, nothing else. */
  public static ValueParser<Boolean> bool() {
    return parser(
        raw ->
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
              case "true" -> true;
              case "false" -> false;
              default ->
                  throw new IllegalArgumentException("Expected value to be either true or false");
            },
        "true or false");
  }

  /** Kafka's ValidString: one of {@code choices}, case-sensitive. */
  public static ValueParser<String> oneOf(String... choices) {
    List<String> allowed = Arrays.asList(choices);
    return parser(
        raw -> {
          if (!allowed.contains(raw)) {
            throw new IllegalArgumentException(
                "String must be one of: " + String.join(", ", allowed));
          }
          return raw;
        },
        "one of " + String.join(", ", allowed));
  }

  /**
   * Kafka's ValidList: comma-separated, each element one of {@code choices}; may be empty. A
   * refusal names the element, not the whole value, as Kafka's does.
   */
  public static ValueParser<List<String>> listOf(String... choices) {
    ValueParser<String> element = oneOf(choices);
    return parser(
        raw ->
            raw.isBlank()
                ? List.of()
                : Arrays.stream(raw.split(","))
                    .map(String::trim)
                    .map(e -> {
                      try {
                        return element.parse(e);
                      } catch (IllegalArgumentException refused) {
                        throw new Refusal(e, refused.getMessage());
                      }
                    })
                    .toList(),
        "a comma-separated list of " + element.allowed());
  }

  /**
   * {@code leader/follower.replication.throttled.replicas}: {@code *} or partition:broker pairs.
   */
  public static ValueParser<String> throttledReplicas(String name) {
    return parser(
        raw -> {
          List<String> elements =
              raw.isBlank() ? List.of() : Arrays.stream(raw.split(",")).map(String::trim).toList();
          boolean wildcard = elements.equals(List.of("*"));
          if (!wildcard
              && !elements.stream().allMatch(e -> THROTTLED_REPLICA.matcher(e).matches())) {
            throw new Refusal(
                "[" + String.join(", ", elements) + "]",
                name
                    + " must be the literal '*' or a list of replicas in the following format:"
                    + " [partitionId]:[brokerId],[partitionId]:[brokerId],...");
          }
          return raw;
        },
        "* or [partitionId]:[brokerId],...");
  }

  /**
   * A refusal whose message shows something other than the text given: the element of a list that
   * failed, or a list as Kafka parsed it ({@code [a, b]}).
   */
  static final class Refusal extends IllegalArgumentException {
    final String shown;

    Refusal(String shown, String reason) {
      super(reason);
      this.shown = shown;
    }
  }

  private static <T extends Number> ValueParser<T> number(
      String type, Function<String, T> parse, double min, double max, String allowed) {
    return parser(
        raw -> {
          T v = parseNumber(type, parse, raw);
          if (v.doubleValue() < min) {
            throw new IllegalArgumentException("Value must be at least " + render(min));
          }
          if (v.doubleValue() > max) {
            throw new IllegalArgumentException("Value must be no more than " + render(max));
          }
          return v;
        },
        allowed);
  }

  private static String render(double bound) {
    return bound == Math.rint(bound) ? "" + (long) bound : "" + bound;
  }

  private static <T> T parseNumber(String type, Function<String, T> parse, String raw) {
    try {
      return parse.apply(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a number of type " + type);
    }
  }

  private static <T> ValueParser<T> parser(Function<String, T> parse, String allowed) {
    return new ValueParser<>() {
      @Override
      public T parse(String raw) {
        return parse.apply(raw);
      }

      @Override
      public String allowed() {
        return allowed;
      }
    };
  }
}
