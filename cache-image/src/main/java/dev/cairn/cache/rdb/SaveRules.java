package dev.cairn.cache.rdb;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code save} setting: "seconds changes" pairs, each meaning "snapshot when at least {@code
 * changes} writes happened and {@code seconds} passed since the last save"; empty disables
 * automatic snapshots.
 */
public record SaveRules(List<Rule> rules) {
  /** One "save seconds changes" line. */
  public record Rule(long seconds, long changes) {}

  /**
   * Parses "3600 1 300 100"; "" (or {@code ""} quoted) is no rules.
   *
   * @throws IllegalArgumentException for an odd count, a non-number, seconds below 1 or negative
   *     changes
   */
  public static SaveRules parse(String text) {
    String t = text.strip();
    if (t.isEmpty() || t.equals("\"\"") || t.equals("''")) {
      return new SaveRules(List.of());
    }
    String[] w = t.split("\\s+");
    if (w.length % 2 != 0) {
      throw new IllegalArgumentException("save rules come in pairs: " + text);
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < w.length; i += 2) {
      long seconds = Long.parseLong(w[i]);
      long changes = Long.parseLong(w[i + 1]);
      if (seconds < 1 || changes < 0) {
        throw new IllegalArgumentException("invalid save rule: " + w[i] + " " + w[i + 1]);
      }
      rules.add(new Rule(seconds, changes));
    }
    return new SaveRules(List.copyOf(rules));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The first rule that says to save now, or null. */
  public Rule due(long changes, long secondsSinceSave) {
    for (Rule r : rules) {
      if (changes >= r.changes() && secondsSinceSave >= r.seconds()) {
        return r;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Rule r : rules) {
      sb.append(sb.isEmpty() ? "" : " ").append(r.seconds()).append(' ').append(r.changes());
    }
    return sb.toString();
  }
}
