package dev.cairn.cache.server;

import java.nio.charset.StandardCharsets;

/**
 * Argument parsing with Redis's rules and error replies: integers as string2ll (no spaces, no '+',
 * no leading zeros), floats as strtod without NaN, keywords compared case-insensitively without
 * allocating.
 */
public final class Args {
  private Args() {}

  /** Whether arg equals the lower-case ASCII {@code word}, ignoring case. */
  public static boolean is(byte[] arg, String word) {
    if (arg.length != word.length()) {
      return false;
    }
    for (int i = 0; i < arg.length; i++) {
      int b = arg[i];
      if (b >= 'A' && b <= 'Z') {
        b += 32;
      }
      if (b != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  public static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  public static String lower(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Redis's shared integers: the stored text of 0..9999 is one array each, so counters do not
   * allocate. Safe because stored values are never changed in place (every command that edits a
   * string builds a new array, and COPY already shares values).
   */
  private static final byte[][] SHARED_INTEGERS = new byte[10_000][];

  static {
    for (int i = 0; i < SHARED_INTEGERS.length; i++) {
      SHARED_INTEGERS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Decimal digits of v, written straight into the array (INCR's hot path). */
  public static byte[] bytes(long v) {
    if (v >= 0 && v < SHARED_INTEGERS.length) {
      return SHARED_INTEGERS[(int) v];
    }
    if (v == Long.MIN_VALUE) {
      return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
    boolean neg = v < 0;
    long x = neg ? -v : v;
    int len = neg ? 2 : 1;
    for (long t = x; t >= 10; t /= 10) {
      len++;
    }
    byte[] out = new byte[len];
    for (int i = len - 1; i >= (neg ? 1 : 0); i--) {
      out[i] = (byte) ('0' + x % 10);
      x /= 10;
    }
    if (neg) {
      out[0] = '-';
    }
    return out;
  }

  /** Strict integer parse; null if not an integer in range. */
  public static Long tryLong(byte[] b) {
    int n = b.length;
    if (n == 0 || n > 20) {
      return null;
    }
    if (n == 1 && b[0] == '0') {
      return 0L;
    }
    int i = 0;
    boolean neg = false;
    if (b[0] == '-') {
      neg = true;
      i = 1;
      if (n == 1) {
        return null;
      }
    }
    if (b[i] < '1' || b[i] > '9') {
      return null;
    }
    long v = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      // accumulate negatively so Long.MIN_VALUE parses
      if (v < (Long.MIN_VALUE + d) / 10) {
        return null;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) {
        return null;
      }
      v = -v;
    }
    return v;
  }

  public static long toLong(byte[] b) {
    Long v = tryLong(b);
    if (v == null) {
      throw CommandError.NOT_INTEGER;
    }
    return v;
  }

  public static long toLong(byte[] b, CommandError error) {
    Long v = tryLong(b);
    if (v == null) {
      throw error;
    }
    return v;
  }

  /**
   * The numkeys of LMPOP/ZMPOP/SINTERCARD (and their blocking forms): Redis answers the same error
   * whether it is not a number, out of range or not positive.
   */
  public static long numkeys(byte[] b) {
    Long v = tryLong(b);
    if (v == null || v <= 0) {
      throw NUMKEYS;
    }
    return v;
  }

  public static final CommandError NUMKEYS =
      new CommandError("ERR numkeys should be greater than 0");

  public static int toInt(byte[] b) {
    long v = toLong(b);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw CommandError.NOT_INTEGER;
    }
    return (int) v;
  }

  /** A positive count ("value is out of range, must be positive"). */
  public static long positive(byte[] b) {
    long v = toLong(b);
    if (v <= 0) {
      throw new CommandError("ERR value is out of range, must be positive");
    }
    return v;
  }

  /**
   * Double as Redis's getDoubleFromObject (strtod): "inf" allowed, NaN and spaces not, and neither
   * a number out of a double's range (strtod's ERANGE: overflow, or a non-zero underflowing to 0).
   * Any length: DBL_MAX written out in full has 309 digits.
   */
  public static Double tryDouble(byte[] b) {
    if (b.length == 0 || Character.isWhitespace(b[0])) {
      return null;
    }
    // Fast path: plain digits (the common score), exact in a double below 16 digits.
    if (b.length < 16) {
      int i = b[0] == '-' ? 1 : 0;
      long v = 0;
      boolean digits = i < b.length;
      for (int k = i; k < b.length && digits; k++) {
        int d = b[k] - '0';
        digits = d >= 0 && d <= 9;
        v = v * 10 + d;
      }
      if (digits) {
        return (double) (i == 1 ? -v : v);
      }
    }
    String s = new String(b, StandardCharsets.US_ASCII);
    String l = s.toLowerCase(java.util.Locale.ROOT);
    switch (l) {
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (l.contains("n") || l.endsWith("d") || l.endsWith("f") || l.startsWith("0x")) {
      return null;
    }
    try {
      double d = Double.parseDouble(s);
      if (Double.isNaN(d)
          || Double.isInfinite(d)
          || (d == 0 && l.split("e", 2)[0].matches(".*[1-9].*"))
          || Character.isWhitespace(s.charAt(s.length() - 1))) {
        return null;
      }
      return d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static double toDouble(byte[] b) {
    Double v = tryDouble(b);
    if (v == null) {
      throw CommandError.NOT_FLOAT;
    }
    return v;
  }

  /** A blocking timeout in seconds (may be fractional) → ms; 0 = forever. */
  public static long timeoutMillis(byte[] b) {
    Double d = tryDouble(b);
    if (d == null || Double.isInfinite(d)) {
      throw new CommandError("ERR timeout is not a float or out of range");
    }
    if (d < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    return (long) Math.ceil(d * 1000);
  }

  /** Errors of the form "ERR ... for '<cmd>' command". */
  /**
   * The keys of SINTERCARD/ZINTERCARD ({@code numkeys key [key ...] [LIMIT limit]}): the index
   * after the last, the keys being {@code a[2..end)}. The two commands word their numkeys errors
   * differently in Redis, so the caller passes them.
   */
  public static int intercardKeys(
      byte[][] a, CommandError unparsable, CommandError noKeys, CommandError tooManyKeys) {
    long numkeys = toLong(a[1], unparsable);
    if (numkeys <= 0) {
      throw noKeys;
    }
    if (numkeys > a.length - 2) {
      throw tooManyKeys;
    }
    return (int) (2 + numkeys);
  }

  /**
   * The LIMIT after SINTERCARD/ZINTERCARD's keys (0 for none). As Redis, it may be repeated (the
   * last wins) and an unparsable one is "negative" too. SINTERCARD reads it before the keys,
   * ZINTERCARD after (a key of another type is answered first).
   */
  public static long intercardLimit(byte[][] a, int keysEnd) {
    long limit = 0;
    for (int i = keysEnd; i < a.length; i += 2) {
      if (!is(a[i], "limit") || i + 1 == a.length) {
        throw CommandError.SYNTAX;
      }
      Long v = tryLong(a[i + 1]);
      if (v == null || v < 0) {
        throw new CommandError("ERR LIMIT can't be negative");
      }
      limit = v;
    }
    return limit;
  }

  /**
   * The optional {@code COUNT n} ending LMPOP/ZMPOP and their blocking forms, at {@code a[i]}:
   * {@code absent} when there is none. Redis reads the count (an unparsable one is "should be
   * greater than 0" too) before it calls anything after it a syntax error.
   */
  public static long mpopCount(byte[][] a, int i, long absent) {
    if (i >= a.length) {
      return absent;
    }
    if (!is(a[i], "count") || i + 1 == a.length) {
      throw CommandError.SYNTAX;
    }
    Long v = tryLong(a[i + 1]);
    if (v == null || v <= 0) {
      throw new CommandError("ERR count should be greater than 0");
    }
    if (i + 2 < a.length) {
      throw CommandError.SYNTAX;
    }
    return v;
  }

  public static CommandError wrongArgs(String cmd) {
    return new CommandError("ERR wrong number of arguments for '" + cmd + "' command");
  }
}
