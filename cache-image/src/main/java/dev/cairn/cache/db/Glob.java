package dev.cairn.cache.db;

/**
 * Redis's glob matching (stringmatchlen): {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]} and
 * backslash escapes, over bytes. Used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL key
 * patterns. Recursion depth is bounded by the number of stars, and a miss after a star ends the
 * search early, so adversarial patterns stay cheap.
 */
public final class Glob {
  private Glob() {}

  public static boolean match(byte[] pattern, byte[] string, boolean nocase) {
    return match(pattern, 0, string, 0, nocase, new boolean[1], 0);
  }

  public static boolean match(String pattern, String s) {
    return match(
        pattern.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
        s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
        true);
  }

  private static boolean match(
      byte[] p, int pi, byte[] s, int si, boolean nocase, boolean[] skipLonger, int depth) {
    if (depth > 1000) {
      return false;
    }
    while (pi < p.length && si < s.length) {
      switch (p[pi]) {
        case '*' -> {
          while (pi + 1 < p.length && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == p.length) {
            return true;
          }
          for (int i = si; i < s.length; i++) {
            if (match(p, pi + 1, s, i, nocase, skipLonger, depth + 1)) {
              return true;
            }
            if (skipLonger[0]) {
              return false;
            }
          }
          skipLonger[0] = true;
          return false;
        }
        case '?' -> si++;
        case '[' -> {
          pi++;
          boolean not = pi < p.length && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean matched = false;
          while (pi < p.length) {
            if (p[pi] == '\\' && pi + 1 < p.length) {
              pi++;
              if (eq(p[pi], s[si], nocase)) {
                matched = true;
              }
            } else if (p[pi] == ']') {
              break;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
              int start = p[pi] & 0xff;
              int end = p[pi + 2] & 0xff;
              int c = s[si] & 0xff;
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = Character.toLowerCase(start);
                end = Character.toLowerCase(end);
                c = Character.toLowerCase(c);
              }
              pi += 2;
              if (c >= start && c <= end) {
                matched = true;
              }
            } else if (eq(p[pi], s[si], nocase)) {
              matched = true;
            }
            pi++;
          }
          if (pi >= p.length) {
            pi = p.length - 1;
          }
          if (not) {
            matched = !matched;
          }
          if (!matched) {
            return false;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < p.length) {
            pi++;
          }
          if (!eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
        default -> {
          if (!eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
      }
      pi++;
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length && si == s.length;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return a == b || (nocase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff));
  }
}
