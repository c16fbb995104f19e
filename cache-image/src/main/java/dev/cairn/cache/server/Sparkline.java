package dev.cairn.cache.server;

import java.util.List;

/**
 * Redis's sparkline.c in its filled form (LATENCY GRAPH): each sample a column of {@code rows}
 * lines drawn with "_o#" and "|", its label written vertically below after a blank line; a series
 * longer than the width continues in further blocks.
 */
final class Sparkline {
  private static final String FILL = "_o#";

  /** One value and its label (null for none). */
  record Sample(double value, String label) {}

  private Sparkline() {}

  static void render(StringBuilder out, List<Sample> samples, int columns, int rows) {
    double min = 0;
    double max = 0;
    boolean labels = false;
    for (int i = 0; i < samples.size(); i++) {
      double v = samples.get(i).value();
      // as sparklineSequenceAddSample: a new minimum is not also checked as a maximum
      if (i == 0) {
        min = v;
        max = v;
      } else if (v < min) {
        min = v;
      } else if (v > max) {
        max = v;
      }
      labels |= samples.get(i).label() != null && !samples.get(i).label().isEmpty();
    }
    for (int j = 0; j < samples.size(); j += columns) {
      if (j != 0) {
        out.append('\n');
      }
      renderRange(out, samples, min, max, labels, rows, j, Math.min(columns, samples.size() - j));
    }
  }

  private static void renderRange(
      StringBuilder out,
      List<Sample> samples,
      double min,
      double max,
      boolean labels,
      int rows,
      int offset,
      int len) {
    double relmax = max - min;
    if (relmax == 0) {
      relmax = 1;
    }
    int steps = FILL.length() * rows;
    char[] chars = new char[len];
    for (int row = 0; ; row++) {
      boolean loop = false;
      java.util.Arrays.fill(chars, ' ');
      for (int j = 0; j < len; j++) {
        Sample s = samples.get(j + offset);
        // as C: (int) (relval * steps) / relmax, truncated again on assignment
        int step = (int) ((int) ((s.value() - min) * steps) / relmax);
        step = Math.max(0, Math.min(steps - 1, step));
        if (row < rows) {
          int charIdx = step - (rows - row - 1) * FILL.length();
          loop = true;
          if (charIdx >= 0 && charIdx < FILL.length()) {
            chars[j] = FILL.charAt(charIdx);
          } else if (charIdx >= FILL.length()) {
            chars[j] = '|';
          }
        } else {
          if (labels && row - rows < 1) {
            loop = true;
            break;
          }
          String label = s.label();
          int labelChar = row - rows - 1;
          if (label != null && label.length() > labelChar) {
            loop = true;
            chars[j] = label.charAt(labelChar);
          }
        }
      }
      if (!loop) {
        return;
      }
      out.append(chars).append('\n');
    }
  }
}
