package dev.cairn.common.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The {@link ValueParser}s the engines' config files need. */
public final class Parsers {
  private Parsers() {}

  public static ValueParser<Integer> intRange(int min, int max) {
    return new ValueParser<>() {
      @Override
      public Integer parse(String raw) {
        int v = Integer.parseInt(raw);
        check(v >= min && v <= max);
        return v;
      }

      @Override
      public String allowed() {
        return "an integer in [" + min + ", " + max + "]";
      }
    };
  }

  public static ValueParser<Long> longRange(long min, long max) {
    return new ValueParser<>() {
      @Override
      public Long parse(String raw) {
        long v = Long.parseLong(raw);
        check(v >= min && v <= max);
        return v;
      }

      @Override
      public String allowed() {
        return "an integer in [" + min + ", " + max + "]";
      }
    };
  }

  /** "true"/"false", and redis.conf's "yes"/"no". */
  public static ValueParser<Boolean> bool() {
    return new ValueParser<>() {
      @Override
      public Boolean parse(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
          case "true", "yes" -> true;
          case "false", "no" -> false;
          default -> throw new IllegalArgumentException(raw);
        };
      }

      @Override
      public String allowed() {
        return "one of true, false, yes, no";
      }
    };
  }

  public static ValueParser<String> string() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        return raw;
      }

      @Override
      public String allowed() {
        return "a string";
      }
    };
  }

  public static ValueParser<String> nonEmpty() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        check(!raw.isEmpty());
        return raw;
      }

      @Override
      public String allowed() {
        return "a non-empty string";
      }
    };
  }

  /** One of a fixed set of words, compared case-insensitively and returned in its listed form. */
  public static ValueParser<String> oneOf(String... choices) {
    List<String> allowed = Arrays.asList(choices);
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        for (String c : allowed) {
          if (c.equalsIgnoreCase(raw)) {
            return c;
          }
        }
        throw new IllegalArgumentException(raw);
      }

      @Override
      public String allowed() {
        return "one of " + String.join(", ", allowed);
      }
    };
  }

  /**
   * A size in bytes with redis.conf's units: {@code k}/{@code m}/{@code g} are powers of 1000 and
   * {@code kb}/{@code mb}/{@code gb} powers of 1024, case-insensitive; a bare number is bytes.
   */
  public static ValueParser<Long> bytes(long min, long max) {
    return new ValueParser<>() {
      @Override
      public Long parse(String raw) {
        long v = parseBytes(raw);
        check(v >= min && v <= max);
        return v;
      }

      @Override
      public String allowed() {
        return "a size in bytes (units k, kb, m, mb, g, gb) in [" + min + ", " + max + "]";
      }
    };
  }

  public static long parseBytes(String raw) {
    String s = raw.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    String[][] units = {
      {"gb", "1073741824"},
      {"mb", "1048576"},
      {"kb", "1024"},
      {"g", "1000000000"},
      {"m", "1000000"},
      {"k", "1000"},
      {"b", "1"}
    };
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length());
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(s), unit);
  }

  /** A duration written as milliseconds. */
  public static ValueParser<Duration> millis(long min, long max) {
    ValueParser<Long> range = longRange(min, max);
    return new ValueParser<>() {
      @Override
      public Duration parse(String raw) {
        return Duration.ofMillis(range.parse(raw));
      }

      @Override
      public String allowed() {
        return "milliseconds in [" + min + ", " + max + "]";
      }
    };
  }

  /**
   * A comma-separated list; each element parsed by {@code element}. Empty text is the empty list.
   */
  public static <T> ValueParser<List<T>> list(ValueParser<T> element) {
    return new ValueParser<>() {
      @Override
      public List<T> parse(String raw) {
        if (raw.isBlank()) {
          return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).map(element::parse).toList();
      }

      @Override
      public String allowed() {
        return "a comma-separated list of " + element.allowed();
      }
    };
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalArgumentException("out of range");
    }
  }
}
