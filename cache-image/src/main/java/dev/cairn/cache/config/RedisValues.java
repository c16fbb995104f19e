package dev.cairn.cache.config;

import dev.cairn.cache.rdb.SaveRules;
import dev.cairn.common.config.Parsers;
import dev.cairn.common.config.ValueParser;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The value types of redis.conf that the shared parsers do not cover, each checked as Redis 7.0's
 * config.c checks it. A parser returns the text CONFIG GET shows, normalised as Redis shows it
 * (sizes in bytes, class names as Redis spells them).
 */
final class RedisValues {
  private RedisValues() {}

  /** Redis's booleans: "yes" or "no" only (Redis refuses "true"). */
  static ValueParser<Boolean> yesNo() {
    return parser(
        "yes or no",
        raw -> {
          if (!raw.equalsIgnoreCase("yes") && !raw.equalsIgnoreCase("no")) {
            throw new IllegalArgumentException(raw);
          }
          return raw;
        },
        raw -> raw.equalsIgnoreCase("yes"));
  }

  /** A size: bytes or with a unit (1k, 5mb, ...), shown in bytes. */
  static ValueParser<Long> memory() {
    return Parsers.bytes(0, Long.MAX_VALUE);
  }

  /** A file name without a directory (appendfilename, appenddirname), as Redis requires. */
  static ValueParser<String> baseName() {
    return new ValueParser<>() {
      @Override
      public String parse(String raw) {
        if (raw.isEmpty() || raw.contains("/") || raw.equals(".") || raw.equals("..")) {
          throw new IllegalArgumentException(raw);
        }
        return raw;
      }

      @Override
      public String allowed() {
        return "a file name, not a path";
      }
    };
  }

  /** Redis's "no, yes, local" gates (enable-debug-command, enable-protected-configs). */
  static ValueParser<String> gate() {
    return Parsers.oneOf("no", "yes", "local");
  }

  /** A value of the given parser that must keep its default: the feature is refused otherwise. */
  static <T> ValueParser<T> onlyDefault(ValueParser<T> parser, T defaultValue, String why) {
    return new ValueParser<>() {
      @Override
      public T parse(String raw) {
        T v = parser.parse(raw);
        if (!v.equals(defaultValue)) {
          throw new IllegalArgumentException(raw);
        }
        return v;
      }

      @Override
      public String allowed() {
        return "'" + defaultValue + "' only (" + why + ")";
      }
    };
  }

  /**
   * save: "" or pairs of seconds (at least 1) and changes ("3600 1 300 100"), checked as the
   * persistence layer reads them ({@link SaveRules}), shown as Redis shows them.
   */
  static ValueParser<String> saveRules() {
    return text("\"\" or pairs of <seconds> <changes>", raw -> SaveRules.parse(raw).toString());
  }

  /** oom-score-adj-values: three integers in [-2000, 2000] (replica, master, background child). */
  static ValueParser<String> oomScoreAdjValues() {
    return words(
        "three integers in [-2000, 2000]",
        count -> count == 3,
        n -> Long.toString(within(-2000, 2000, Long.parseLong(n))));
  }

  /** latency-tracking-info-percentiles: decimals in [0, 100], as "50 99 99.9". */
  static ValueParser<String> percentiles() {
    return words(
        "decimals in [0.0, 100.0]",
        count -> true,
        n -> {
          double p = Double.parseDouble(n);
          if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException(n);
          }
          return n;
        });
  }

  private static long within(long min, long max, long v) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(Long.toString(v));
    }
    return v;
  }

  /**
   * A list of words ("" for none), as many as {@code count} allows, each checked and shown as
   * {@code word} returns it.
   */
  private static ValueParser<String> words(
      String allowed, java.util.function.IntPredicate count, UnaryOperator<String> word) {
    return text(
        allowed,
        raw -> {
          String t = unquoted(raw);
          String[] w = t.isEmpty() ? new String[0] : t.split("\\s+");
          if (!count.test(w.length)) {
            throw new IllegalArgumentException(raw);
          }
          StringBuilder out = new StringBuilder();
          for (String n : w) {
            out.append(out.isEmpty() ? "" : " ").append(word.apply(n));
          }
          return out.toString();
        });
  }

  /** maxmemory-clients: a size, or a percentage of maxmemory ("10%"). */
  static ValueParser<String> memoryOrPercent() {
    return text(
        "a size in bytes or a percentage",
        raw -> {
          String t = raw.trim();
          if (t.endsWith("%")) {
            long p = Long.parseLong(t.substring(0, t.length() - 1));
            if (p < 0 || p > 100) {
              throw new IllegalArgumentException(raw);
            }
            return t;
          }
          long bytes = Parsers.parseBytes(t);
          if (bytes < 0) {
            throw new IllegalArgumentException(raw);
          }
          return Long.toString(bytes);
        });
  }

  /** unixsocketperm: an octal file mode, shown in octal as Redis shows it. */
  static ValueParser<String> octalMode() {
    return text(
        "an octal file mode in [0, 777]",
        raw -> {
          int mode = Integer.parseInt(raw.trim(), 8);
          if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException(raw);
          }
          return Integer.toOctalString(mode);
        });
  }

  /** Client classes of client-output-buffer-limit in the order CONFIG GET lists them. */
  private static final Map<String, String> OUTPUT_CLASSES =
      Map.of("normal", "normal", "slave", "slave", "replica", "slave", "pubsub", "pubsub");

  /**
   * client-output-buffer-limit: "class hard soft seconds ..." where each class given replaces that
   * class of {@code base} (redis.conf lists the classes on separate lines, CONFIG SET may name
   * one), shown with all three classes, sizes in bytes, replicas as "slave" — as Redis shows it.
   */
  static String mergeOutputLimits(String base, String update) {
    Map<String, String> classes = new LinkedHashMap<>();
    for (String spec : new String[] {base, update}) {
      String[] w = spec.trim().split("\\s+");
      if (w.length % 4 != 0) {
        throw new IllegalArgumentException(update);
      }
      for (int i = 0; i < w.length; i += 4) {
        String name = OUTPUT_CLASSES.get(w[i].toLowerCase(Locale.ROOT));
        long seconds = Long.parseLong(w[i + 3]);
        if (name == null || seconds < 0) {
          throw new IllegalArgumentException(update);
        }
        long hard = Parsers.parseBytes(w[i + 1]);
        long soft = Parsers.parseBytes(w[i + 2]);
        if (hard < 0 || soft < 0) {
          throw new IllegalArgumentException(update);
        }
        classes.put(name, name + " " + hard + " " + soft + " " + seconds);
      }
    }
    return String.join(" ", classes.values());
  }

  /** client-output-buffer-limit as a whole value: merged over Redis's default classes. */
  static ValueParser<String> outputLimits(String defaults) {
    return text(
        "<class> <hard> <soft> <seconds> ... (classes normal, replica, pubsub)",
        raw -> mergeOutputLimits(defaults, raw));
  }

  private static String unquoted(String raw) {
    String t = raw.trim();
    return t.equals("\"\"") || t.equals("''") ? "" : t;
  }

  private static ValueParser<String> text(String allowed, UnaryOperator<String> check) {
    return parser(allowed, check, raw -> raw);
  }

  /** A parser that validates (and normalises) with {@code check}, then converts. */
  private static <T> ValueParser<T> parser(
      String allowed, UnaryOperator<String> check, java.util.function.Function<String, T> to) {
    return new ValueParser<>() {
      @Override
      public T parse(String raw) {
        return to.apply(check.apply(raw));
      }

      @Override
      public String allowed() {
        return allowed;
      }
    };
  }
}
