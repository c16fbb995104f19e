package dev.cairn.cache.script;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A command's reply, as the script client wrote it in RESP, turned into the Lua value {@code
 * redis.call} returns, by Redis 7.0's rules ({@code redisProtocolToLuaType}): integer → number,
 * bulk → string, null bulk and null array → false, status → {@code {ok=...}}, error → {@code
 * {err=...}}, array → table; and after {@code redis.setresp(3)}: map → {@code {map={...}}}, set →
 * {@code {set={k=true}}}, null → nil, boolean → boolean, double → {@code {double=n}}, big number →
 * {@code {big_number=s}}, verbatim → {@code {verbatim_string={format=..., string=...}}}.
 *
 * <p>Parsing the reply rather than building Lua values in every command handler is what Redis does
 * too: the handlers stay the ones connections use.
 */
final class ReplyToLua {
  private static final LuaString OK = LuaString.valueOf("ok");
  private static final LuaString ERR = LuaString.valueOf("err");
  private static final LuaString MAP = LuaString.valueOf("map");
  private static final LuaString SET = LuaString.valueOf("set");
  private static final LuaString DOUBLE = LuaString.valueOf("double");
  private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
  private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
  private static final LuaString FORMAT = LuaString.valueOf("format");
  private static final LuaString STRING = LuaString.valueOf("string");

  private ReplyToLua() {}

  /** Reads one reply from {@code in}. */
  static LuaValue read(ByteBuf in) {
    byte type = in.readByte();
    return switch (type) {
      case ':' -> LuaValue.valueOf((double) Long.parseLong(line(in)));
      case '$' -> bulk(in);
      case '+' -> single(OK, LuaString.valueOf(line(in)));
      case '-' -> Errors.table(line(in));
      case '*' -> array(in);
      case '%' -> map(in);
      case '~' -> set(in);
      case '_' -> {
        line(in);
        yield LuaValue.NIL;
      }
      case '#' -> LuaValue.valueOf(line(in).equals("t"));
      case ',' -> single(DOUBLE, LuaValue.valueOf(parseDouble(line(in))));
      case '(' -> single(BIG_NUMBER, LuaString.valueOf(line(in)));
      case '=' -> verbatim(in);
      case '|' -> attribute(in);
      case '>' -> array(in);
      default -> throw new IllegalStateException("unexpected reply type " + (char) type);
    };
  }

  private static LuaValue bulk(ByteBuf in) {
    int len = Integer.parseInt(line(in));
    if (len < 0) {
      return LuaValue.FALSE;
    }
    byte[] b = new byte[len];
    in.readBytes(b);
    in.skipBytes(2);
    return LuaString.valueUsing(b);
  }

  private static LuaValue array(ByteBuf in) {
    int n = Integer.parseInt(line(in));
    if (n < 0) {
      return LuaValue.FALSE;
    }
    LuaTable t = new LuaTable(n, 0);
    for (int i = 1; i <= n; i++) {
      t.rawset(i, read(in));
    }
    return t;
  }

  private static LuaValue map(ByteBuf in) {
    int n = Integer.parseInt(line(in));
    LuaTable m = new LuaTable(0, n);
    for (int i = 0; i < n; i++) {
      LuaValue k = read(in);
      m.rawset(k, read(in));
    }
    return single(MAP, m);
  }

  private static LuaValue set(ByteBuf in) {
    int n = Integer.parseInt(line(in));
    LuaTable s = new LuaTable(0, n);
    for (int i = 0; i < n; i++) {
      s.rawset(read(in), LuaValue.TRUE);
    }
    return single(SET, s);
  }

  private static LuaValue verbatim(ByteBuf in) {
    int len = Integer.parseInt(line(in));
    byte[] b = new byte[len];
    in.readBytes(b);
    in.skipBytes(2);
    LuaTable v = new LuaTable();
    v.rawset(STRING, LuaString.valueOf(b, 4, len - 4));
    v.rawset(FORMAT, LuaString.valueOf(b, 0, 3));
    return single(VERBATIM, v);
  }

  /** Attributes are not shown to scripts: skipped, then the reply they annotate. */
  private static LuaValue attribute(ByteBuf in) {
    int n = Integer.parseInt(line(in));
    for (int i = 0; i < 2 * n; i++) {
      read(in);
    }
    return read(in);
  }

  private static LuaTable single(LuaString key, LuaValue value) {
    LuaTable t = new LuaTable(0, 1);
    t.rawset(key, value);
    return t;
  }

  private static double parseDouble(String s) {
    return switch (s) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static String line(ByteBuf in) {
    int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
    String s = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
    in.readerIndex(end + 2);
    return s;
  }
}
