package dev.cairn.cache.types;

import dev.cairn.cache.server.CommandError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * INCRBYFLOAT and HINCRBYFLOAT arithmetic. Redis adds in C's {@code long double} and prints the sum
 * with 17 decimals, trailing zeros trimmed, so {@code 0.1 + 0.2} is "0.3" where a double gives
 * 0.30000000000000004. Exact decimal arithmetic rounded the same way gives Redis's answers for the
 * numbers people type; only sums beyond 19 significant digits can differ in their last digits.
 */
final class FloatIncrement {
  private FloatIncrement() {}

  /** The largest finite long double: beyond it Redis's sum is infinite. */
  private static final BigDecimal MAX = new BigDecimal("1.18973149535723176502e4932");

  private static final BigDecimal INFINITY = MAX.scaleByPowerOfTen(1);

  /** Redis's string2ld limit (MAX_LONG_DOUBLE_CHARS). */
  private static final int MAX_CHARS = 5 * 1024;

  /** Parses as Redis's string2ld: infinities are numbers (too big to add), NaN is not. */
  static BigDecimal parse(byte[] b, String error) {
    if (b.length == 0 || b.length >= MAX_CHARS || Character.isWhitespace(b[0])) {
      throw new CommandError(error);
    }
    String s = new String(b, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    String unsigned = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return s.startsWith("-") ? INFINITY.negate() : INFINITY;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new CommandError(error);
    }
  }

  static boolean infinite(BigDecimal v) {
    return v.abs().compareTo(MAX) > 0;
  }

  /** The sum as Redis stores and replies it. */
  static byte[] sum(BigDecimal a, BigDecimal b) {
    BigDecimal r = a.add(b);
    if (infinite(a) || infinite(b) || infinite(r)) {
      throw new CommandError("ERR increment would produce NaN or Infinity");
    }
    String text = r.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
