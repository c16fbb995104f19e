package dev.cairn.cache.aof;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of Redis 7.0's multi-part AOF: which files, in which order, make up the dataset. One
 * line per file, {@code file <name> seq <n> type <b|h|i>} — the base first (at most one), then
 * history files (replaced by a rewrite, deleted once it completed), then the incremental files in
 * increasing sequence. Loading replays the base and then every incremental file.
 *
 * <p>File names follow Redis's rules: {@code <appendfilename>.<seq>.base.rdb} (RDB preamble) or
 * {@code .base.aof}, and {@code <appendfilename>.<seq>.incr.aof}. A name with spaces or control
 * characters is written quoted, as Redis's {@code sdscatrepr}; parsing takes keywords in any case
 * and ignores unknown pairs (forward compatibility), exactly as {@code aofLoadManifestFromFile}.
 *
 * <p>Immutable: every change returns a new manifest, which the caller persists before using it, so
 * the manifest on disk always names files that exist.
 */
public record AofManifest(
    AofFile base, List<AofFile> history, List<AofFile> incrs, long baseSeq, long incrSeq) {

  public static final String SUFFIX = ".manifest";

  /** One line of the manifest. */
  public record AofFile(String name, long seq, char type) {
    static final char BASE = 'b';
    static final char HISTORY = 'h';
    static final char INCR = 'i';
  }

  public AofManifest {
    history = List.copyOf(history);
    incrs = List.copyOf(incrs);
  }

  public static AofManifest empty() {
    return new AofManifest(null, List.of(), List.of(), 0, 0);
  }

  public boolean isEmpty() {
    return base == null && incrs.isEmpty();
  }

  /** The files to load, in order: the base (if any) then every incremental file. */
  public List<AofFile> loadOrder() {
    List<AofFile> all = new ArrayList<>();
    if (base != null) {
      all.add(base);
    }
    all.addAll(incrs);
    return all;
  }

  /** The last incremental file, which new writes append to; null if there is none. */
  public AofFile lastIncr() {
    return incrs.isEmpty() ? null : incrs.get(incrs.size() - 1);
  }

  /** With a new incremental file {@code <filename>.<seq+1>.incr.aof} at the end. */
  public AofManifest withNewIncr(String filename) {
    long seq = incrSeq + 1;
    List<AofFile> next = new ArrayList<>(incrs);
    next.add(new AofFile(filename + "." + seq + ".incr.aof", seq, AofFile.INCR));
    return new AofManifest(base, history, next, baseSeq, seq);
  }

  /** The name the next base file gets. */
  public String nextBaseName(String filename, boolean rdbPreamble) {
    return filename + "." + (baseSeq + 1) + ".base" + (rdbPreamble ? ".rdb" : ".aof");
  }

  /**
   * After a successful rewrite: {@code baseName} becomes the base, the old base and every
   * incremental file but the last {@code keep} ones become history (they are covered by the new
   * base), as getNewBaseFileNameAndMarkPreAsHistory and markRewrittenIncrAofAsHistory do.
   */
  public AofManifest rewritten(String baseName, int keep) {
    List<AofFile> hist = new ArrayList<>();
    if (base != null) {
      hist.add(new AofFile(base.name(), base.seq(), AofFile.HISTORY));
    }
    hist.addAll(history);
    int covered = Math.max(0, incrs.size() - keep);
    for (int i = covered - 1; i >= 0; i--) {
      AofFile f = incrs.get(i);
      hist.add(new AofFile(f.name(), f.seq(), AofFile.HISTORY));
    }
    long seq = baseSeq + 1;
    return new AofManifest(
        new AofFile(baseName, seq, AofFile.BASE),
        hist,
        incrs.subList(covered, incrs.size()),
        seq,
        incrSeq);
  }

  /** Without history files (deleted from disk). */
  public AofManifest withoutHistory() {
    return new AofManifest(base, List.of(), incrs, baseSeq, incrSeq);
  }

  /** The manifest's text, as getAofManifestAsString writes it. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    List<AofFile> all = new ArrayList<>();
    if (base != null) {
      all.add(base);
    }
    all.addAll(history);
    all.addAll(incrs);
    for (AofFile f : all) {
      sb.append("file ")
          .append(repr(f.name()))
          .append(" seq ")
          .append(f.seq())
          .append(" type ")
          .append(f.type())
          .append('\n');
    }
    return sb.toString();
  }

  /**
   * Parses a manifest; a flaw throws {@link AofLoadException} naming the line, with Redis's words
   * (an empty manifest, a bad line, a path instead of a name, a duplicate base, a non-monotonic
   * sequence, an unknown type).
   */
  public static AofManifest parse(String text, String source) throws AofLoadException {
    if (text.isEmpty()) {
      throw new AofLoadException("Found an empty AOF manifest " + source);
    }
    AofFile base = null;
    List<AofFile> history = new ArrayList<>();
    List<AofFile> incrs = new ArrayList<>();
    long baseSeq = 0;
    long maxSeq = 0;
    String[] lines = text.split("\n", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    for (int n = 0; n < count; n++) {
      String line = lines[n];
      if (line.startsWith("#")) {
        continue;
      }
      String where = source + " at line " + (n + 1) + ": '" + line + "'";
      if (line.length() > 1024) {
        throw new AofLoadException("The AOF manifest file contains too long line in " + where);
      }
      List<String> w = split(line.strip());
      if (w == null || w.size() < 6 || w.size() % 2 != 0) {
        throw new AofLoadException("Invalid AOF manifest file format in " + where);
      }
      String name = null;
      long seq = 0;
      char type = 0;
      for (int i = 0; i < w.size(); i += 2) {
        String key = w.get(i);
        String value = w.get(i + 1);
        if (key.equalsIgnoreCase("file")) {
          if (value.contains("/")) {
            throw new AofLoadException("File can't be a path, just a filename, in " + where);
          }
          name = value;
        } else if (key.equalsIgnoreCase("seq")) {
          seq = atoll(value);
        } else if (key.equalsIgnoreCase("type")) {
          type = value.isEmpty() ? 0 : value.charAt(0);
        }
      }
      if (name == null || seq == 0 || type == 0) {
        throw new AofLoadException("Invalid AOF manifest file format in " + where);
      }
      AofFile f = new AofFile(name, seq, type);
      switch (type) {
        case AofFile.BASE -> {
          if (base != null) {
            throw new AofLoadException("Found duplicate base file information in " + where);
          }
          base = f;
          baseSeq = seq;
        }
        case AofFile.HISTORY -> history.add(f);
        case AofFile.INCR -> {
          if (seq <= maxSeq) {
            throw new AofLoadException("Found a non-monotonic sequence number in " + where);
          }
          incrs.add(f);
          maxSeq = seq;
        }
        default -> throw new AofLoadException("Unknown AOF file type in " + where);
      }
    }
    return new AofManifest(base, history, incrs, baseSeq, maxSeq);
  }

  /** atoll: leading digits (after an optional sign), 0 if none. */
  private static long atoll(String s) {
    int i = 0;
    boolean negative = false;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      negative = s.charAt(i++) == '-';
    }
    long v = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Long.MAX_VALUE / 10) {
      v = v * 10 + (s.charAt(i++) - '0');
    }
    return negative ? -v : v;
  }

  /**
   * Splits as sdssplitargs: spaces separate, "double quotes" with \ escapes; null if unbalanced.
   */
  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i == line.length()) {
        break;
      }
      StringBuilder cur = new StringBuilder();
      if (line.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < line.length()) {
          char ch = line.charAt(i++);
          if (ch == '\\' && i < line.length()) {
            char e = line.charAt(i++);
            if (e == 'x' && i + 1 < line.length()) {
              cur.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
              i += 2;
            } else {
              cur.append(
                  switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'a' -> (char) 7;
                    case 'b' -> '\b';
                    default -> e;
                  });
            }
          } else if (ch == '"') {
            closed = true;
            break;
          } else {
            cur.append(ch);
          }
        }
        if (!closed || (i < line.length() && !Character.isWhitespace(line.charAt(i)))) {
          return null;
        }
      } else {
        while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
          cur.append(line.charAt(i++));
        }
      }
      out.add(cur.toString());
    }
    return out;
  }

  /** A name as sdscatrepr writes it when it needs quoting (spaces, quotes, control bytes). */
  private static String repr(String name) {
    boolean plain = !name.isEmpty();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      if (b <= ' ' || b == '"' || b == '\\' || b == '\'' || b == 127) {
        plain = false;
      }
    }
    if (plain) {
      return name;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      switch (b) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (b >= ' ' && b < 127) {
            sb.append((char) b);
          } else {
            sb.append(String.format("\\x%02x", b & 0xff));
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
