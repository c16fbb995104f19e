package dev.cairn.cache.stream;

import dev.cairn.cache.server.CommandError;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID, {@code <ms>-<seq>}: two unsigned 64-bit numbers (held in longs, compared and
 * printed unsigned), ordered by ms then seq. 0-0 is below every valid entry; {@link #MAX} is the
 * last possible ID. As a 16-byte key (RDB node keys, PEL entries) it is both halves big-endian, so
 * byte order is ID order.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
  public static final StreamId MIN = new StreamId(0, 0);
  public static final StreamId MAX = new StreamId(-1L, -1L);

  static final CommandError INVALID =
      new CommandError("ERR Invalid stream ID specified as stream command argument");

  /** Redis parses IDs in a 128-byte buffer: longer arguments are invalid outright. */
  private static final int MAX_TEXT = 127;

  @Override
  public int compareTo(StreamId o) {
    int c = Long.compareUnsigned(ms, o.ms);
    return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
  }

  public boolean isZero() {
    return ms == 0 && seq == 0;
  }

  /** The next ID, or null past {@link #MAX}. */
  public StreamId next() {
    if (seq != -1L) {
      return new StreamId(ms, seq + 1);
    }
    return ms == -1L ? null : new StreamId(ms + 1, 0);
  }

  /** The previous ID, or null before 0-0. */
  public StreamId previous() {
    if (seq != 0) {
      return new StreamId(ms, seq - 1);
    }
    return ms == 0 ? null : new StreamId(ms - 1, -1L);
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
  }

  public byte[] bytes() {
    return toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The 16-byte big-endian key form. */
  public byte[] key() {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (ms >>> (56 - 8 * i));
      b[8 + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return b;
  }

  public static StreamId fromKey(byte[] b, int at) {
    long ms = 0;
    long seq = 0;
    for (int i = 0; i < 8; i++) {
      ms = (ms << 8) | (b[at + i] & 0xff);
      seq = (seq << 8) | (b[at + 8 + i] & 0xff);
    }
    return new StreamId(ms, seq);
  }

  /** An ID argument as parsed by Redis, with its sequence when given or left to generate. */
  record Parsed(StreamId id, boolean seqGiven) {}

  /**
   * Parses {@code <ms>[-<seq>]}, "-" and "+" (unless {@code strict}), and with {@code allowAutoSeq}
   * the {@code <ms>-*} form of XADD. A missing sequence is {@code missingSeq}.
   */
  static Parsed parse(byte[] arg, long missingSeq, boolean strict, boolean allowAutoSeq) {
    if (arg.length > MAX_TEXT) {
      throw INVALID;
    }
    String s = new String(arg, StandardCharsets.ISO_8859_1);
    int nul = s.indexOf('\0');
    if (nul >= 0) {
      s = s.substring(0, nul); // Redis reads the argument as a C string
    }
    if (s.equals("-") || s.equals("+")) {
      if (strict) {
        throw INVALID;
      }
      return new Parsed(s.equals("-") ? MIN : MAX, true);
    }
    int dash = s.indexOf('-');
    long ms = unsigned(dash < 0 ? s : s.substring(0, dash));
    if (dash < 0) {
      return new Parsed(new StreamId(ms, missingSeq), true);
    }
    String seqText = s.substring(dash + 1);
    if (allowAutoSeq && seqText.equals("*")) {
      return new Parsed(new StreamId(ms, 0), false);
    }
    return new Parsed(new StreamId(ms, unsigned(seqText)), true);
  }

  static StreamId parse(byte[] arg, long missingSeq, boolean strict) {
    return parse(arg, missingSeq, strict, false).id();
  }

  /** Redis's string2ull: a strict integer, else what strtoull accepts in full. */
  private static long unsigned(String s) {
    Long strict = dev.cairn.cache.server.Args.tryLong(s.getBytes(StandardCharsets.ISO_8859_1));
    if (strict != null) {
      if (strict < 0) {
        throw INVALID;
      }
      return strict;
    }
    int i = 0;
    int n = s.length();
    while (i < n && isSpace(s.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    if (i == n || s.isEmpty()) {
      throw INVALID;
    }
    long v = 0;
    for (; i < n; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw INVALID;
      }
      long hi = Math.unsignedMultiplyHigh(v, 10);
      long lo = v * 10;
      if (hi != 0 || Long.compareUnsigned(lo + d, lo) < 0) {
        throw INVALID; // ERANGE
      }
      v = lo + d;
    }
    return negative ? -v : v;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
}
