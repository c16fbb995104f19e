package dev.cairn.cache.script;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cmsgpack} library Redis bundles (lua_cmsgpack 0.4): pack, unpack, unpack_one,
 * unpack_limit, with its encoding choices — integral numbers as the smallest integer type, others
 * as float32 when exact else float64, strings as fixstr/str8/str16/str32, tables with keys exactly
 * 1..n as arrays and others as maps, tables nested deeper than 16 as nil.
 */
final class CmsgpackLib {
  private static final int MAX_NESTING = 16;

  private CmsgpackLib() {}

  static ReadonlyTable create() {
    ReadonlyTable t = new ReadonlyTable();
    t.rawset("pack", new NamedFunction("pack", CmsgpackLib::pack));
    t.rawset("unpack", new NamedFunction("unpack", a -> unpack(a, 0, 0, true)));
    t.rawset(
        "unpack_one", new NamedFunction("unpack_one", a -> unpack(a, 1, a.optlong(2, 0), false)));
    t.rawset(
        "unpack_limit",
        new NamedFunction("unpack_limit", a -> unpack(a, a.checklong(2), a.optlong(3, 0), false)));
    t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
    t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
    t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
    t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
    return t;
  }

  private static Varargs pack(Varargs args) {
    if (args.narg() == 0) {
      throw NamedFunction.badArgument("pack", 0, "MessagePack pack needs input.");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i <= args.narg(); i++) {
      encode(out, args.arg(i), 0);
    }
    return LuaString.valueUsing(out.toByteArray());
  }

  private static void encode(ByteArrayOutputStream out, LuaValue v, int level) {
    int type = v.type();
    if (type == LuaValue.TTABLE && level == MAX_NESTING) {
      type = LuaValue.TNIL;
    }
    switch (type) {
      case LuaValue.TSTRING -> {
        byte[] s = LuaToReply.bytes((LuaString) v);
        int len = s.length;
        if (len < 32) {
          out.write(0xa0 | len);
        } else if (len <= 0xff) {
          out.write(0xd9);
          out.write(len);
        } else if (len <= 0xffff) {
          out.write(0xda);
          be(out, len, 2);
        } else {
          out.write(0xdb);
          be(out, len, 4);
        }
        out.writeBytes(s);
      }
      case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
      case LuaValue.TNUMBER -> number(out, v.todouble());
      case LuaValue.TTABLE -> table(out, (LuaTable) v, level);
      default -> out.write(0xc0);
    }
  }

  private static void number(ByteArrayOutputStream out, double n) {
    if (n == Math.rint(n) && n >= -0x1p63 && n < 0x1p63) {
      integer(out, (long) n);
      return;
    }
    float f = (float) n;
    if (f == n) {
      out.write(0xca);
      be(out, Float.floatToRawIntBits(f), 4);
    } else {
      out.write(0xcb);
      be(out, Double.doubleToRawLongBits(n), 8);
    }
  }

  private static void integer(ByteArrayOutputStream out, long n) {
    if (n >= 0) {
      if (n <= 127) {
        out.write((int) n);
      } else if (n <= 0xff) {
        out.write(0xcc);
        out.write((int) n);
      } else if (n <= 0xffff) {
        out.write(0xcd);
        be(out, n, 2);
      } else if (n <= 0xffffffffL) {
        out.write(0xce);
        be(out, n, 4);
      } else {
        out.write(0xcf);
        be(out, n, 8);
      }
    } else if (n >= -32) {
      out.write((int) n & 0xff);
    } else if (n >= -128) {
      out.write(0xd0);
      out.write((int) n & 0xff);
    } else if (n >= -32768) {
      out.write(0xd1);
      be(out, n, 2);
    } else if (n >= -2147483648L) {
      out.write(0xd2);
      be(out, n, 4);
    } else {
      out.write(0xd3);
      be(out, n, 8);
    }
  }

  private static void table(ByteArrayOutputStream out, LuaTable t, int level) {
    int count = 0;
    double max = 0;
    boolean array = true;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      double d = k.type() == LuaValue.TNUMBER ? k.todouble() : -1;
      if (d <= 0 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
        array = false;
        break;
      }
      max = Math.max(max, d);
      count++;
    }
    if (array && max == count) {
      int len = t.length();
      header(out, len, 0x90, 0xdc, 0xdd);
      for (int i = 1; i <= len; i++) {
        encode(out, t.get(i), level + 1);
      }
      return;
    }
    int pairs = 0;
    k = LuaValue.NIL;
    while (!(k = t.next(k).arg1()).isnil()) {
      pairs++;
    }
    header(out, pairs, 0x80, 0xde, 0xdf);
    k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      encode(out, k, level + 1);
      encode(out, n.arg(2), level + 1);
    }
  }

  private static void header(ByteArrayOutputStream out, int n, int fix, int b16, int b32) {
    if (n <= 15) {
      out.write(fix | n);
    } else if (n <= 0xffff) {
      out.write(b16);
      be(out, n, 2);
    } else {
      out.write(b32);
      be(out, n, 4);
    }
  }

  private static void be(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  // ---- decoding ----

  /** Input being decoded; {@link #MISSING} when it ends inside a value. */
  private static final class Cursor {
    final byte[] b;
    int p;

    Cursor(byte[] b, int p) {
      this.b = b;
      this.p = p;
    }

    int left() {
      return b.length - p;
    }

    void need(int n) {
      if (left() < n) {
        throw MISSING;
      }
    }

    int u8() {
      need(1);
      return b[p++] & 0xff;
    }

    long be(int n) {
      need(n);
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (b[p++] & 0xff);
      }
      return v;
    }
  }

  private static final RuntimeException MISSING =
      new RuntimeException("Missing bytes in input.", null, false, false) {};
  private static final RuntimeException BAD =
      new RuntimeException("Bad data format in input.", null, false, false) {};

  private static Varargs unpack(Varargs args, long limit, long offset, boolean all) {
    byte[] s = LuaToReply.bytes(args.checkstring(1));
    if (offset < 0 || limit < 0) {
      throw new LuaError(
          "Invalid request to unpack with offset of " + offset + " and limit of " + s.length + ".");
    }
    if (offset > s.length) {
      throw new LuaError("Start offset " + offset + " greater than input length " + s.length + ".");
    }
    long max = all ? Integer.MAX_VALUE : limit;
    Cursor c = new Cursor(s, (int) offset);
    List<LuaValue> out = new ArrayList<>();
    try {
      for (int cnt = 0; c.left() > 0 && cnt < max; cnt++) {
        out.add(decode(c));
      }
    } catch (RuntimeException e) {
      if (e == MISSING || e == BAD) {
        throw new LuaError(e.getMessage());
      }
      throw e;
    }
    if (!all) {
      out.add(0, LuaValue.valueOf(c.left() == 0 ? -1 : c.p));
    }
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }

  private static LuaValue decode(Cursor c) {
    int t = c.u8();
    if ((t & 0x80) == 0) {
      return LuaValue.valueOf(t);
    }
    if ((t & 0xe0) == 0xe0) {
      return LuaValue.valueOf((byte) t);
    }
    if ((t & 0xe0) == 0xa0) {
      return str(c, t & 0x1f);
    }
    if ((t & 0xf0) == 0x90) {
      return array(c, t & 0xf);
    }
    if ((t & 0xf0) == 0x80) {
      return map(c, t & 0xf);
    }
    return switch (t) {
      case 0xcc -> LuaValue.valueOf(c.be(1));
      case 0xd0 -> LuaValue.valueOf((byte) c.be(1));
      case 0xcd -> LuaValue.valueOf(c.be(2));
      case 0xd1 -> LuaValue.valueOf((short) c.be(2));
      case 0xce -> LuaValue.valueOf((double) c.be(4));
      case 0xd2 -> LuaValue.valueOf((int) c.be(4));
      case 0xcf -> {
        long v = c.be(8);
        yield LuaValue.valueOf(v >= 0 ? (double) v : (double) (v >>> 1) * 2 + (v & 1));
      }
      case 0xd3 -> LuaValue.valueOf((double) c.be(8));
      case 0xc0 -> LuaValue.NIL;
      case 0xc3 -> LuaValue.TRUE;
      case 0xc2 -> LuaValue.FALSE;
      case 0xca -> LuaValue.valueOf(Float.intBitsToFloat((int) c.be(4)));
      case 0xcb -> LuaValue.valueOf(Double.longBitsToDouble(c.be(8)));
      case 0xd9 -> str(c, (int) c.be(1));
      case 0xda -> str(c, (int) c.be(2));
      case 0xdb -> str(c, (int) c.be(4));
      case 0xdc -> array(c, (int) c.be(2));
      case 0xdd -> array(c, (int) c.be(4));
      case 0xde -> map(c, (int) c.be(2));
      case 0xdf -> map(c, (int) c.be(4));
      default -> throw BAD;
    };
  }

  private static LuaValue str(Cursor c, int len) {
    c.need(len);
    LuaValue s = LuaString.valueOf(c.b, c.p, len);
    c.p += len;
    return s;
  }

  private static LuaValue array(Cursor c, int n) {
    LuaTable t = new LuaTable();
    for (int i = 1; i <= n; i++) {
      LuaValue v = decode(c);
      if (!v.isnil()) {
        t.rawset(i, v);
      }
    }
    return t;
  }

  private static LuaValue map(Cursor c, int n) {
    LuaTable t = new LuaTable();
    for (int i = 0; i < n; i++) {
      LuaValue k = decode(c);
      LuaValue v = decode(c);
      if (k.isnil()) {
        throw new LuaError("table index is nil");
      }
      t.rawset(k, v);
    }
    return t;
  }
}
