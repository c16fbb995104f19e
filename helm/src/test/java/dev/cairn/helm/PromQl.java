package dev.cairn.helm;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Enough of the grammar for our rules and dashboards:
 * strings, label matchers, range selectors and grouping clauses are removed first; what remains is
 * metric names, function names (followed by "("), keywords and numbers.
 */
final class PromQl {
  private PromQl() {}

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  // Possessive, so "rate(" cannot match as "rat".
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "group_left", "group_right");

  static Set<String> metricNames(String expr) {
    String bare = STRING.matcher(expr).replaceAll(" ");
    bare = MATCHERS.matcher(bare).replaceAll(" ");
    bare = RANGE.matcher(bare).replaceAll(" ");
    bare = GROUPING.matcher(bare).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(bare);
    while (m.find()) {
      boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
      if (!partOfNumber && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
