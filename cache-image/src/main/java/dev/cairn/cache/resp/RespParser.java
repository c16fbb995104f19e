package dev.cairn.cache.resp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental RESP request parser: multibulk ({@code *<n>\r\n$<len>\r\n<bytes>\r\n...}) and inline
 * commands ({@code GET key\r\n}, what telnet and nc send).
 *
 * <p>Feed it whatever bytes arrived; it hands every complete command to the {@link Sink} and keeps
 * its place inside a partly received command, so a bulk split over many reads is scanned once. It
 * never trusts a length before checking it: a multibulk count above {@link #MAX_MULTIBULK}, a bulk
 * above {@code proto-max-bulk-len}, a header line or inline request longer than {@link #MAX_INLINE}
 * are protocol errors (Redis's messages), after which the parser stops and the connection must be
 * closed. Argument arrays grow as arguments arrive instead of being sized from the count, so memory
 * stays proportional to bytes received.
 *
 * <p>Not thread-safe: one parser per connection.
 */
public final class RespParser {
  /** Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest header line. */
  public static final int MAX_INLINE = 64 * 1024;

  /** Redis accepts up to INT_MAX arguments; argument arrays still grow only as bytes arrive. */
  public static final long MAX_MULTIBULK = Integer.MAX_VALUE;

  private static final byte[][] NO_ARGS = new byte[0][];

  /** Receives parsed commands and protocol errors. */
  public interface Sink {
    /**
     * One complete command. Returns false to stop parsing for now (e.g. the client blocked); the
     * rest stays in the buffer.
     */
    boolean command(byte[][] argv);

    /** A protocol error: the message (without "ERR "); the caller replies and closes. */
    void protocolError(String message);
  }

  private long maxBulk;
  private long pendingBytes;
  private byte[][] argv = NO_ARGS;
  private int argc;
  private long expectedArgs = -1;
  private long bulkLength = -1;
  private boolean failed;

  public RespParser(long maxBulk) {
    this.maxBulk = maxBulk;
  }

  /** proto-max-bulk-len may change at run time (CONFIG SET). */
  public void maxBulk(long maxBulk) {
    this.maxBulk = maxBulk;
  }

  /** Bytes of the arguments received so far of a partly received command. */
  public long pendingBytes() {
    return pendingBytes;
  }

  /** Whether a command is partly received. */
  public boolean midCommand() {
    return expectedArgs >= 0;
  }

  /**
   * Parses as many complete commands from {@code in} as there are (consuming their bytes).
   *
   * @return false after a protocol error (nothing more will be parsed)
   */
  public boolean parse(ByteBuf in, Sink sink) {
    while (!failed && in.isReadable()) {
      if (expectedArgs < 0) {
        if (in.getByte(in.readerIndex()) == '*') {
          long n = readNumberLine(in, 1, "too big mbulk count string");
          if (n == NEED_MORE || failed) {
            return !failed;
          }
          if (n == BAD_NUMBER || n > MAX_MULTIBULK) {
            return fail("invalid multibulk length");
          }
          if (n <= 0) {
            continue;
          }
          expectedArgs = n;
          argv = new byte[(int) Math.min(n, 1024)][];
          argc = 0;
          continue;
        } else {
          byte[][] inline = readInline(in);
          if (inline == null) {
            return !failed;
          }
          if (inline.length > 0 && !sink.command(inline)) {
            return true;
          }
          continue;
        }
      }
      if (bulkLength < 0) {
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
          return fail("expected '$', got '" + (char) first + "'");
        }
        long n = readNumberLine(in, 1, "too big bulk count string");
        if (n == NEED_MORE || failed) {
          return !failed;
        }
        if (n == BAD_NUMBER || n < 0 || n > maxBulk) {
          return fail("invalid bulk length");
        }
        bulkLength = n;
      }
      if (in.readableBytes() < bulkLength + 2) {
        return true;
      }
      byte[] arg = new byte[(int) bulkLength];
      in.readBytes(arg);
      in.skipBytes(2);
      bulkLength = -1;
      if (argc == argv.length) {
        argv = Arrays.copyOf(argv, (int) Math.min(expectedArgs, (long) argv.length * 2));
      }
      argv[argc++] = arg;
      pendingBytes += arg.length;
      if (argc == expectedArgs) {
        byte[][] done = argv;
        expectedArgs = -1;
        pendingBytes = 0;
        argv = NO_ARGS;
        if (!sink.command(done)) {
          return true;
        }
      }
    }
    return !failed;
  }

  private static final long NEED_MORE = Long.MIN_VALUE;
  private static final long BAD_NUMBER = Long.MIN_VALUE + 1;

  /** Reads "<prefix><digits>\r\n"; NEED_MORE when the line is incomplete. */
  private long readNumberLine(ByteBuf in, int prefix, String tooBig) {
    int start = in.readerIndex();
    int lf = in.forEachByte(start, Math.min(in.readableBytes(), MAX_INLINE), ByteProcessor.FIND_LF);
    if (lf < 0) {
      if (in.readableBytes() >= MAX_INLINE) {
        fail(tooBig);
      }
      return NEED_MORE;
    }
    int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    long value = parseLong(in, start + prefix, end);
    in.readerIndex(lf + 1);
    return value;
  }

  private static long parseLong(ByteBuf in, int from, int to) {
    if (from >= to || to - from > 19) {
      return BAD_NUMBER;
    }
    boolean negative = in.getByte(from) == '-';
    int i = negative ? from + 1 : from;
    if (i == to) {
      return BAD_NUMBER;
    }
    long v = 0;
    for (; i < to; i++) {
      int d = in.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return BAD_NUMBER;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  private byte[][] readInline(ByteBuf in) {
    int start = in.readerIndex();
    int lf = in.forEachByte(start, Math.min(in.readableBytes(), MAX_INLINE), ByteProcessor.FIND_LF);
    if (lf < 0) {
      if (in.readableBytes() >= MAX_INLINE) {
        fail("too big inline request");
      }
      return null;
    }
    int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(lf + 1);
    List<byte[]> args = InlineSplitter.split(line);
    if (args == null) {
      fail("unbalanced quotes in request");
      return null;
    }
    return args.toArray(NO_ARGS);
  }

  private boolean fail(String message) {
    failed = true;
    pendingError = message;
    return false;
  }

  private String pendingError;

  /** The protocol error that stopped the parser, or null. */
  public String error() {
    return pendingError;
  }

  /** Splits inline requests like Redis's sdssplitargs: spaces, "double" and 'single' quotes. */
  static final class InlineSplitter {
    private InlineSplitter() {}

    static List<byte[]> split(byte[] line) {
      List<byte[]> out = new ArrayList<>();
      int i = 0;
      int n = line.length;
      while (true) {
        while (i < n && Character.isWhitespace(line[i])) {
          i++;
        }
        if (i >= n) {
          return out;
        }
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        boolean inDq = false;
        boolean inSq = false;
        boolean done = false;
        while (!done) {
          if (inDq) {
            if (i >= n) {
              return null;
            }
            if (line[i] == '\\'
                && i + 3 < n
                && line[i + 1] == 'x'
                && hex(line[i + 2]) >= 0
                && hex(line[i + 3]) >= 0) {
              cur.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
              i += 3;
            } else if (line[i] == '\\' && i + 1 < n) {
              i++;
              cur.write(
                  switch (line[i]) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'a' -> 7;
                    default -> line[i];
                  });
            } else if (line[i] == '"') {
              if (i + 1 < n && !Character.isWhitespace(line[i + 1])) {
                return null;
              }
              done = true;
            } else {
              cur.write(line[i]);
            }
          } else if (inSq) {
            if (i >= n) {
              return null;
            }
            if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
              i++;
              cur.write('\'');
            } else if (line[i] == '\'') {
              if (i + 1 < n && !Character.isWhitespace(line[i + 1])) {
                return null;
              }
              done = true;
            } else {
              cur.write(line[i]);
            }
          } else if (i >= n || Character.isWhitespace(line[i])) {
            done = true;
          } else if (line[i] == '"') {
            inDq = true;
          } else if (line[i] == '\'') {
            inSq = true;
          } else {
            cur.write(line[i]);
          }
          if (i < n) {
            i++;
          }
        }
        out.add(cur.toByteArray());
      }
    }

    private static int hex(byte b) {
      return Character.digit(b, 16);
    }
  }
}
