package dev.cairn.cache.script;

import java.nio.charset.StandardCharsets;

/**
 * C's strtod over the longest prefix it accepts (lua-cjson reads numbers with it): an optional
 * sign, then "inf"/"infinity", "nan" (with an optional "(chars)"), hex ("0x1.8p1") or decimal with
 * an optional exponent that only counts when a digit follows its 'e'.
 */
final class Strtod {
  private Strtod() {}

  /** The value and the index after the characters it took. */
  record Result(double value, int end) {}

  /** The number starting at {@code at}, or null when strtod would convert nothing. */
  static Result parse(byte[] s, int at) {
    int p = at;
    boolean negative = false;
    if (p < s.length && (s[p] == '+' || s[p] == '-')) {
      negative = s[p] == '-';
      p++;
    }
    Result r = special(s, p);
    if (r == null) {
      r = hex(s, p);
    }
    if (r == null) {
      r = decimal(s, p);
    }
    if (r == null) {
      return null;
    }
    return new Result(negative ? -r.value() : r.value(), r.end());
  }

  private static Result special(byte[] s, int p) {
    if (word(s, p, "infinity")) {
      return new Result(Double.POSITIVE_INFINITY, p + 8);
    }
    if (word(s, p, "inf")) {
      return new Result(Double.POSITIVE_INFINITY, p + 3);
    }
    if (word(s, p, "nan")) {
      int end = p + 3;
      if (end < s.length && s[end] == '(') {
        int q = end + 1;
        while (q < s.length && (Character.isLetterOrDigit(s[q]) || s[q] == '_')) {
          q++;
        }
        if (q < s.length && s[q] == ')') {
          end = q + 1;
        }
      }
      return new Result(Double.NaN, end);
    }
    return null;
  }

  private static Result hex(byte[] s, int p) {
    if (p + 1 >= s.length || s[p] != '0' || (s[p + 1] | 0x20) != 'x') {
      return null;
    }
    int q = p + 2;
    double mantissa = 0;
    int exponent = 0;
    boolean digits = false;
    for (; q < s.length && Character.digit(s[q], 16) >= 0; q++, digits = true) {
      mantissa = mantissa * 16 + Character.digit(s[q], 16);
    }
    if (q < s.length && s[q] == '.') {
      int f = q + 1;
      for (; f < s.length && Character.digit(s[f], 16) >= 0; f++, digits = true) {
        mantissa = mantissa * 16 + Character.digit(s[f], 16);
        exponent -= 4;
      }
      if (digits) {
        q = f;
      }
    }
    if (!digits) {
      return null; // "0x" alone: strtod takes the 0 and stops at the x
    }
    int[] exp = exponent(s, q, 'p');
    if (exp != null) {
      exponent += exp[0];
      q = exp[1];
    }
    return new Result(mantissa * Math.pow(2, exponent), q);
  }

  private static Result decimal(byte[] s, int p) {
    int q = p;
    boolean digits = false;
    while (q < s.length && s[q] >= '0' && s[q] <= '9') {
      q++;
      digits = true;
    }
    if (q < s.length && s[q] == '.') {
      int f = q + 1;
      while (f < s.length && s[f] >= '0' && s[f] <= '9') {
        f++;
        digits = true;
      }
      if (digits) {
        q = f;
      }
    }
    if (!digits) {
      return null;
    }
    int mantissaEnd = q;
    int[] exp = exponent(s, q, 'e');
    String text = new String(s, p, mantissaEnd - p, StandardCharsets.US_ASCII);
    if (exp != null) {
      text += "e" + exp[0];
      q = exp[1];
    }
    return new Result(Double.parseDouble(text), q);
  }

  /** {exponent, end} of an exponent part at q ('e' or 'p', a sign, digits), or null if none. */
  private static int[] exponent(byte[] s, int q, char marker) {
    if (q >= s.length || (s[q] | 0x20) != marker) {
      return null;
    }
    int e = q + 1;
    boolean negative = false;
    if (e < s.length && (s[e] == '+' || s[e] == '-')) {
      negative = s[e] == '-';
      e++;
    }
    if (e >= s.length || s[e] < '0' || s[e] > '9') {
      return null;
    }
    long v = 0;
    for (; e < s.length && s[e] >= '0' && s[e] <= '9'; e++) {
      v = Math.min(v * 10 + (s[e] - '0'), 100_000); // far past any double's range
    }
    return new int[] {(int) (negative ? -v : v), e};
  }

  /** Whether s has this lower-case word at p, in any case. */
  static boolean word(byte[] s, int p, String word) {
    if (p + word.length() > s.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase(s[p + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
