package dev.cairn.cache.script;

import dev.cairn.cache.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A script's return value as the reply its caller gets, by Redis 7.0's rules ({@code
 * luaReplyToRedisReply}): string → bulk, number → integer (truncated: 3.99 is 3), true → 1 (or
 * RESP3 true), false → null, nil → null, {@code {err=...}} → error, {@code {ok=...}} → status, an
 * array table → array up to its first nil; and the RESP3 forms {@code {map=}}, {@code {set=}},
 * {@code {double=}}, {@code {big_number=}}, {@code {verbatim_string=}}.
 */
final class LuaToReply {
  private static final LuaString OK = LuaString.valueOf("ok");
  private static final LuaString DOUBLE = LuaString.valueOf("double");
  private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
  private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
  private static final LuaString FORMAT = LuaString.valueOf("format");
  private static final LuaString STRING = LuaString.valueOf("string");
  private static final LuaString MAP = LuaString.valueOf("map");
  private static final LuaString SET = LuaString.valueOf("set");

  private LuaToReply() {}

  /**
   * Writes {@code v} to {@code out}; {@code scriptResp} is the protocol the script chose with
   * redis.setresp (it decides how booleans go out, as in Redis).
   */
  static void write(RespWriter out, LuaValue v, int scriptResp) {
    switch (v.type()) {
      case LuaValue.TSTRING -> out.bulk(bytes((LuaString) v));
      case LuaValue.TBOOLEAN -> {
        if (scriptResp == 2) {
          if (v.toboolean()) {
            out.integer(1);
          } else {
            out.nullBulk();
          }
        } else {
          out.bool(v.toboolean());
        }
      }
      case LuaValue.TNUMBER -> out.integer(toLong(v.todouble()));
      case LuaValue.TTABLE -> table(out, (LuaTable) v, scriptResp);
      default -> out.nullBulk();
    }
  }

  /** C's (long long) cast of a double, as x86 does it: NaN and out-of-range give LLONG_MIN. */
  static long toLong(double d) {
    if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
      return Long.MIN_VALUE;
    }
    return (long) d;
  }

  private static void table(RespWriter out, LuaTable t, int scriptResp) {
    LuaValue err = t.rawget(Errors.ERR);
    if (err.isstring()) {
      out.error(err.tojstring());
      return;
    }
    LuaValue ok = t.rawget(OK);
    if (ok.isstring()) {
      out.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
      return;
    }
    LuaValue d = t.rawget(DOUBLE);
    if (d.type() == LuaValue.TNUMBER) {
      out.dbl(d.todouble());
      return;
    }
    LuaValue big = t.rawget(BIG_NUMBER);
    if (big.isstring()) {
      out.bigNumber(big.tojstring().replace('\r', ' ').replace('\n', ' '));
      return;
    }
    LuaValue verbatim = t.rawget(VERBATIM);
    if (verbatim.istable()) {
      LuaValue format = verbatim.rawget(FORMAT);
      LuaValue text = verbatim.rawget(STRING);
      if (format.isstring() && text.type() == LuaValue.TSTRING) {
        out.verbatim(format.tojstring(), bytes((LuaString) text));
        return;
      }
    }
    LuaValue map = t.rawget(MAP);
    if (map.istable()) {
      LuaTable m = (LuaTable) map;
      out.map(count(m));
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = m.next(k);
        if ((k = n.arg1()).isnil()) {
          break;
        }
        write(out, k, scriptResp);
        write(out, n.arg(2), scriptResp);
      }
      return;
    }
    LuaValue set = t.rawget(SET);
    if (set.istable()) {
      LuaTable s = (LuaTable) set;
      out.set(count(s));
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = s.next(k);
        if ((k = n.arg1()).isnil()) {
          break;
        }
        write(out, k, scriptResp);
      }
      return;
    }
    int n = 0;
    while (!t.rawget(n + 1).isnil()) {
      n++;
    }
    out.array(n);
    for (int i = 1; i <= n; i++) {
      write(out, t.rawget(i), scriptResp);
    }
  }

  private static int count(LuaTable t) {
    int n = 0;
    LuaValue k = LuaValue.NIL;
    while (!(k = t.next(k).arg1()).isnil()) {
      n++;
    }
    return n;
  }

  /** A copy of the string's bytes (handlers may keep an argument, Lua strings are shared). */
  static byte[] bytes(LuaString s) {
    byte[] b = new byte[s.m_length];
    System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
    return b;
  }

  static String text(LuaValue v) {
    return v.type() == LuaValue.TSTRING
        ? new String(bytes((LuaString) v), StandardCharsets.UTF_8)
        : v.tojstring();
  }
}
