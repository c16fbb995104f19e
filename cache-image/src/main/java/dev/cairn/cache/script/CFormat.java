package dev.cairn.cache.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's printf conversions for doubles, as glibc prints them, because Lua 5.1 (and so every Redis
 * script) formats numbers through them: {@code tostring} and concatenation use {@code "%.14g"},
 * {@code string.format} passes its spec to {@code sprintf}, Redis turns a Lua number argument of
 * {@code redis.call} into {@code "%.17g"}. Java's {@code String.format} differs on %g (no trailing
 * zero removal, exponent width) and on infinities, so the digits are computed here from an exactly
 * rounded {@link BigDecimal}.
 */
public final class CFormat {
  private CFormat() {}

  /** A Lua number as a string: {@code "%.14g"}, "inf", "-inf", "nan" or "-nan". */
  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e14) {
      // integral values are by far the most common: no BigDecimal
      return v == 0 && 1 / v < 0 ? "-0" : Long.toString((long) v);
    }
    return g(v, 14, false, false);
  }

  /** {@code %.<precision>g} ({@code alt}: the '#' flag keeps trailing zeros). */
  public static String g(double v, int precision, boolean alt, boolean upper) {
    String special = special(v, upper);
    if (special != null) {
      return special;
    }
    int p = precision == 0 ? 1 : precision;
    if (v == 0) {
      String zero = alt ? "0." + "0".repeat(p - 1) : "0";
      return (1 / v < 0 ? "-" : "") + zero;
    }
    BigDecimal rounded = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    String out;
    if (exponent < -4 || exponent >= p) {
      out = e(v, p - 1, alt, upper);
      if (!alt) {
        int ePos = out.indexOf(upper ? 'E' : 'e');
        out = stripZeros(out.substring(0, ePos)) + out.substring(ePos);
      }
    } else {
      out = f(v, Math.max(0, p - 1 - exponent), alt);
      if (!alt) {
        out = stripZeros(out);
      }
    }
    return out;
  }

  /** {@code %.<precision>e}. */
  public static String e(double v, int precision, boolean alt, boolean upper) {
    String special = special(v, upper);
    if (special != null) {
      return special;
    }
    StringBuilder sb = new StringBuilder();
    if (v < 0 || (v == 0 && 1 / v < 0)) {
      sb.append('-');
    }
    int exponent;
    String digits;
    if (v == 0) {
      exponent = 0;
      digits = "0".repeat(precision + 1);
    } else {
      BigDecimal r =
          new BigDecimal(Math.abs(v)).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      exponent = r.precision() - r.scale() - 1;
      digits = r.unscaledValue().toString();
      digits = (digits + "0".repeat(precision + 1)).substring(0, precision + 1);
    }
    sb.append(digits.charAt(0));
    if (precision > 0 || alt) {
      sb.append('.');
    }
    sb.append(digits, 1, digits.length());
    sb.append(upper ? 'E' : 'e').append(exponent < 0 ? '-' : '+');
    int abs = Math.abs(exponent);
    if (abs < 10) {
      sb.append('0');
    }
    return sb.append(abs).toString();
  }

  /** {@code %.<precision>f}. */
  public static String f(double v, int precision, boolean alt) {
    String special = special(v, false);
    if (special != null) {
      return special;
    }
    String s = new BigDecimal(v).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    if (v == 0 && 1 / v < 0 || v < 0 && !s.startsWith("-")) {
      s = "-" + s;
    }
    return alt && precision == 0 ? s + "." : s;
  }

  private static String special(double v, boolean upper) {
    String s;
    if (Double.isNaN(v)) {
      s = (Double.doubleToRawLongBits(v) < 0 ? "-" : "") + "nan";
    } else if (Double.isInfinite(v)) {
      s = v > 0 ? "inf" : "-inf";
    } else {
      return null;
    }
    return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
