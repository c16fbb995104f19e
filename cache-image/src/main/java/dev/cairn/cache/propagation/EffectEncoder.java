package dev.cairn.cache.propagation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes effects as the RESP commands Redis writes to its AOF and replication stream ({@code
 * *argc\r\n$len\r\narg\r\n...}), with a {@code SELECT} first whenever an effect's database differs
 * from the last one this stream selected. Each consumer owns one: the database a stream has
 * selected is its own (a new AOF file starts unselected, as Redis's {@code aof_selected_db = -1}).
 * Not thread-safe.
 */
public final class EffectEncoder {
  private static final byte[] SELECT = Propagation.bytes("SELECT");

  private int selected = -1;

  /** Forgets the selected database: the next effect starts with SELECT. */
  public void reset() {
    selected = -1;
  }

  public void encode(ByteArrayOutputStream out, int db, byte[][] argv) {
    if (db != selected) {
      command(out, new byte[][] {SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
      selected = db;
    }
    command(out, argv);
  }

  /** One command in RESP, as catAppendOnlyGenericCommand writes it. */
  public static void command(ByteArrayOutputStream out, byte[][] argv) {
    header(out, '*', argv.length);
    for (byte[] a : argv) {
      header(out, '$', a.length);
      out.write(a, 0, a.length);
      out.write('\r');
      out.write('\n');
    }
  }

  /**
   * {@code <type><n>\r\n} in one write: the stream encodes every write once per consumer (and a
   * replica re-encodes its primary's), so no String per header and one call into the (synchronized)
   * stream instead of several.
   */
  private static void header(ByteArrayOutputStream out, char type, int n) {
    byte[] h = new byte[14]; // type, at most 10 digits of a non-negative int, CR, LF
    int end = h.length;
    h[--end] = '\n';
    h[--end] = '\r';
    do {
      h[--end] = (byte) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    h[--end] = (byte) type;
    out.write(h, end, h.length - end);
  }
}
