package dev.cairn.cache.script;

import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code bit} library Redis bundles (LuaBitOp 1.0): 32-bit operations on Lua numbers, results
 * signed 32-bit. A number becomes 32 bits as LuaBitOp makes it: rounded to the nearest integer,
 * then its low 32 bits.
 */
final class BitLib {
  private BitLib() {}

  static ReadonlyTable create() {
    ReadonlyTable t = new ReadonlyTable();
    t.rawset("tobit", new NamedFunction("tobit", a -> num(bit(a, 1))));
    t.rawset("bnot", new NamedFunction("bnot", a -> num(~bit(a, 1))));
    t.rawset("band", new NamedFunction("band", a -> fold(a, 0)));
    t.rawset("bor", new NamedFunction("bor", a -> fold(a, 1)));
    t.rawset("bxor", new NamedFunction("bxor", a -> fold(a, 2)));
    t.rawset("lshift", new NamedFunction("lshift", a -> num(bit(a, 1) << (bit(a, 2) & 31))));
    t.rawset("rshift", new NamedFunction("rshift", a -> num(bit(a, 1) >>> (bit(a, 2) & 31))));
    t.rawset("arshift", new NamedFunction("arshift", a -> num(bit(a, 1) >> (bit(a, 2) & 31))));
    t.rawset("rol", new NamedFunction("rol", a -> num(Integer.rotateLeft(bit(a, 1), bit(a, 2)))));
    t.rawset("ror", new NamedFunction("ror", a -> num(Integer.rotateRight(bit(a, 1), bit(a, 2)))));
    t.rawset("bswap", new NamedFunction("bswap", a -> num(Integer.reverseBytes(bit(a, 1)))));
    t.rawset("tohex", new NamedFunction("tohex", BitLib::tohex));
    return t;
  }

  static int tobit(double d) {
    return (int) (long) Math.rint(d);
  }

  /** Lua 5.1's lua_tonumber: a number or numeric string, anything else 0 (no error). */
  private static int bit(Varargs a, int i) {
    LuaValue v = a.arg(i);
    return v.isnumber() ? tobit(v.todouble()) : 0;
  }

  private static LuaValue num(int v) {
    return LuaValue.valueOf(v);
  }

  private static Varargs fold(Varargs a, int op) {
    int r = bit(a, 1);
    for (int i = 2; i <= a.narg(); i++) {
      int b = bit(a, i);
      r =
          switch (op) {
            case 0 -> r & b;
            case 1 -> r | b;
            default -> r ^ b;
          };
    }
    return num(r);
  }

  private static Varargs tohex(Varargs a) {
    int b = bit(a, 1);
    int n = a.narg() < 2 ? 8 : bit(a, 2);
    String digits = "0123456789abcdef";
    if (n < 0) {
      n = -n;
      digits = "0123456789ABCDEF";
    }
    if (n > 8) {
      n = 8;
    }
    char[] out = new char[n];
    for (int i = n - 1; i >= 0; i--) {
      out[i] = digits.charAt(b & 15);
      b >>>= 4;
    }
    return LuaValue.valueOf(new String(out));
  }
}
