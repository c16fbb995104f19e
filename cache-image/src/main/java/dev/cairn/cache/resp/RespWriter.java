package dev.cairn.cache.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies into a connection's pending output buffer, in RESP2 or RESP3 (per {@link
 * #protocol}). Types RESP2 lacks degrade as Redis degrades them: maps become flat arrays, sets
 * arrays, doubles bulk strings, null is {@code $-1} or {@code *-1}, booleans integers.
 *
 * <p>The buffer is taken from the allocator on first write and handed over by {@link #take()} when
 * the connection flushes. Not thread-safe: used by the keyspace thread only.
 */
public class RespWriter {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final int CACHED_INTS = 1024;
  private static final byte[][] INT_REPLIES = new byte[CACHED_INTS][];
  private static final byte[][] BULK_HEADERS = new byte[CACHED_INTS][];
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

  static {
    for (int i = 0; i < CACHED_INTS; i++) {
      INT_REPLIES[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
      BULK_HEADERS[i] = ("$" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final ByteBufAllocator alloc;
  private final byte[] digits = new byte[20];
  private ByteBuf buf;
  private int protocol = 2;
  private static final long PEAK_WINDOW_NANOS = 5_000_000_000L;
  private int peak;
  private long peakSince;

  public RespWriter(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  public int protocol() {
    return protocol;
  }

  public void protocol(int protocol) {
    this.protocol = protocol;
  }

  public boolean resp3() {
    return protocol == 3;
  }

  /** The pending output (may be null), leaving the writer empty. */
  public ByteBuf take() {
    ByteBuf b = buf;
    if (b != null) {
      long now = System.nanoTime();
      if (now - peakSince > PEAK_WINDOW_NANOS) {
        peak = 0; // Redis's rbp too is the peak of the last 5 seconds
        peakSince = now;
      }
      peak = Math.max(peak, b.readableBytes());
    }
    buf = null;
    return b;
  }

  /** The reply buffer's size now (CLIENT LIST rbs): 0 between replies, as it is handed on. */
  public int capacity() {
    return buf == null ? 0 : buf.capacity();
  }

  /** The largest reply buffer of the last seconds (CLIENT LIST rbp). */
  public int peak() {
    return Math.max(peak, pending());
  }

  /** Bytes written but not yet taken. */
  public int pending() {
    return buf == null ? 0 : buf.readableBytes();
  }

  /** Drops what was written after {@code mark} (a {@link #pending()} value). */
  public void truncate(int mark) {
    if (buf != null) {
      buf.writerIndex(buf.readerIndex() + mark);
    }
  }

  private ByteBuf out() {
    if (buf == null) {
      buf = alloc.ioBuffer(256);
    }
    return buf;
  }

  public void ok() {
    out().writeBytes(OK);
  }

  public void simple(String s) {
    ByteBuf b = out();
    b.writeByte('+');
    b.writeCharSequence(s, StandardCharsets.UTF_8);
    b.writeBytes(CRLF);
  }

  /** An error; {@code message} starts with its code ("ERR ...", "WRONGTYPE ..."). */
  public void error(String message) {
    ByteBuf b = out();
    b.writeByte('-');
    // An error is one line: newlines in user input must not break the framing.
    b.writeCharSequence(message.replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
    b.writeBytes(CRLF);
  }

  public void integer(long v) {
    if (v >= 0 && v < CACHED_INTS) {
      out().writeBytes(INT_REPLIES[(int) v]);
      return;
    }
    prefixed(':', v);
  }

  public void bool(boolean v) {
    if (resp3()) {
      out().writeBytes(v ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes());
    } else {
      integer(v ? 1 : 0);
    }
  }

  public void bulk(byte[] v) {
    if (v == null) {
      nullBulk();
      return;
    }
    ByteBuf b = out();
    if (v.length < CACHED_INTS) {
      b.writeBytes(BULK_HEADERS[v.length]);
    } else {
      prefixed('$', v.length);
    }
    b.writeBytes(v);
    b.writeBytes(CRLF);
  }

  public void bulk(String s) {
    bulk(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  /** A long as a bulk string (what INCRBYFLOAT and friends return). */
  public void bulkLong(long v) {
    int len = decimalLength(v);
    prefixed('$', len);
    ByteBuf b = out();
    writeDecimal(b, v);
    b.writeBytes(CRLF);
  }

  /**
   * Writes v's decimal digits straight into the buffer: {@code Long.toString} made a String per
   * integer reply, a tenth of LPUSH's time.
   */
  private void writeDecimal(ByteBuf b, long v) {
    if (v == Long.MIN_VALUE) {
      b.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
      return;
    }
    if (v < 0) {
      b.writeByte('-');
      v = -v;
    }
    int i = digits.length;
    do {
      digits[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    b.writeBytes(digits, i, digits.length - i);
  }

  private static int decimalLength(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    int len = v < 0 ? 2 : 1;
    for (long x = Math.abs(v); x >= 10; x /= 10) {
      len++;
    }
    return len;
  }

  /** RESP3 verbatim string (INFO, CLIENT LIST), a bulk string in RESP2. */
  public void verbatim(String s) {
    if (!resp3()) {
      bulk(s);
      return;
    }
    byte[] body = ("txt:" + s).getBytes(StandardCharsets.UTF_8);
    prefixed('=', body.length);
    out().writeBytes(body).writeBytes(CRLF);
  }

  /** RESP3 verbatim string with its three-letter format, a bulk string in RESP2. */
  public void verbatim(String format, byte[] text) {
    if (!resp3()) {
      bulk(text);
      return;
    }
    prefixed('=', text.length + 4);
    ByteBuf b = out();
    b.writeCharSequence(format, StandardCharsets.US_ASCII);
    b.writeByte(':');
    b.writeBytes(text).writeBytes(CRLF);
  }

  /** RESP3 big number, a bulk string in RESP2. */
  public void bigNumber(String digits) {
    if (!resp3()) {
      bulk(digits);
      return;
    }
    ByteBuf b = out();
    b.writeByte('(');
    b.writeCharSequence(digits, StandardCharsets.US_ASCII);
    b.writeBytes(CRLF);
  }

  public void nullBulk() {
    out().writeBytes(resp3() ? NULL3 : NULL_BULK);
  }

  public void nullArray() {
    out().writeBytes(resp3() ? NULL3 : NULL_ARRAY);
  }

  public void array(long n) {
    prefixed('*', n);
  }

  /** A map of n pairs: RESP3 '%', RESP2 a flat array of 2n. */
  public void map(long n) {
    if (resp3()) {
      prefixed('%', n);
    } else {
      prefixed('*', n * 2);
    }
  }

  public void set(long n) {
    prefixed(resp3() ? '~' : '*', n);
  }

  public void push(long n) {
    prefixed(resp3() ? '>' : '*', n);
  }

  public void dbl(double d) {
    dbl(formatDouble(d));
  }

  /**
   * A double already formatted (GEOPOS's coordinates use Redis's "human" long-double form): RESP3
   * ',' double, RESP2 bulk string.
   */
  public void dbl(String text) {
    if (resp3()) {
      ByteBuf b = out();
      b.writeByte(',');
      b.writeCharSequence(text, StandardCharsets.US_ASCII);
      b.writeBytes(CRLF);
    } else {
      bulk(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  public void bulks(Iterable<byte[]> items, int n) {
    array(n);
    for (byte[] i : items) {
      bulk(i);
    }
  }

  /** Writes pre-encoded bytes as they are (pub/sub, EXEC replies). */
  public void raw(ByteBuf bytes) {
    out().writeBytes(bytes);
  }

  private void prefixed(char type, long v) {
    ByteBuf b = out();
    b.writeByte(type);
    if (v >= 0 && v < CACHED_INTS) {
      // digits of the cached integer reply ":<v>\r\n" without its ':'
      byte[] cached = INT_REPLIES[(int) v];
      b.writeBytes(cached, 1, cached.length - 1);
      return;
    }
    writeDecimal(b, v);
    b.writeBytes(CRLF);
  }

  /**
   * Scores as Redis 7.0 prints them: C's {@code "%.17g"} (17 significant digits, so 1.1 reads
   * "1.1000000000000001"; Redis 7.2 switched to the shortest form), "inf"/"-inf".
   */
  public static String formatDouble(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (Double.isNaN(d)) {
      return "nan";
    }
    // -0 prints "0": Redis's listpack stores a score as text or an integer, and -0 reads back as 0
    if (d == Math.rint(d) && Math.abs(d) < 1e17) {
      return Long.toString((long) d);
    }
    return g17(d);
  }

  /** C's %.17g: fixed notation for exponents in [-4, 17), else d.ddde±XX; no trailing zeros. */
  private static String g17(double d) {
    java.math.BigDecimal v =
        new java.math.BigDecimal(d)
            .round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
    int exponent = v.precision() - v.scale() - 1;
    if (exponent >= -4 && exponent < 17) {
      return v.stripTrailingZeros().toPlainString();
    }
    String digits = v.unscaledValue().abs().toString().replaceFirst("0+$", "");
    StringBuilder out = new StringBuilder(d < 0 ? "-" : "").append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    int e = Math.abs(exponent);
    return out.append(exponent < 0 ? "e-" : "e+").append(e < 10 ? "0" : "").append(e).toString();
  }
}
