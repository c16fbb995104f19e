package dev.cairn.cache.script;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code struct} library Redis bundles (Roberto Ierusalimschy's lua_struct): pack, unpack and
 * size with its format language — {@code < > !n} endianness and alignment, {@code b B h H l L T i
 * In I} integers (long and size_t 8 bytes, int 4 as on Redis's 64-bit builds), {@code f d} floats,
 * {@code s} zero-terminated and {@code cn} fixed strings, {@code x} padding. Native byte order is
 * little-endian, as on the x86 and ARM machines Redis runs on.
 */
final class StructLib {
  private static final int MAXINTSIZE = 32;
  private static final int MAXALIGN = 8;

  private StructLib() {}

  static ReadonlyTable create() {
    ReadonlyTable t = new ReadonlyTable();
    t.rawset("pack", new NamedFunction("pack", StructLib::pack));
    t.rawset("unpack", new NamedFunction("unpack", StructLib::unpack));
    t.rawset("size", new NamedFunction("size", StructLib::size));
    return t;
  }

  /** A format being read: position, endianness, alignment. */
  private static final class Format {
    final byte[] f;
    int i;
    boolean little = true;
    int align = 1;

    Format(LuaString s) {
      f = LuaToReply.bytes(s);
    }

    boolean more() {
      return i < f.length;
    }

    int next() {
      return f[i++];
    }

    int num(int dflt) {
      if (i >= f.length || !Character.isDigit(f[i])) {
        return dflt;
      }
      long a = 0;
      while (i < f.length && Character.isDigit(f[i])) {
        a = a * 10 + (f[i++] - '0');
        if (a > Integer.MAX_VALUE) {
          throw new LuaError("integral size overflow");
        }
      }
      return (int) a;
    }

    int size(int opt) {
      return switch (opt) {
        case 'B', 'b' -> 1;
        case 'H', 'h' -> 2;
        case 'L', 'l', 'T', 'd' -> 8;
        case 'f' -> 4;
        case 'x' -> 1;
        case 'c' -> num(1);
        case 'i', 'I' -> {
          int sz = num(4);
          if (sz > MAXINTSIZE) {
            throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
          }
          yield sz;
        }
        default -> 0;
      };
    }

    int toAlign(long len, int opt, int size) {
      if (size == 0 || opt == 'c') {
        return 0;
      }
      int s = Math.min(size, align);
      return (int) ((s - (len & (s - 1))) & (s - 1));
    }

    void control(int opt, String function) {
      switch (opt) {
        case ' ' -> {}
        case '>' -> little = false;
        case '<' -> little = true;
        case '!' -> {
          int a = num(MAXALIGN);
          if (a <= 0 || (a & (a - 1)) != 0) {
            throw new LuaError("alignment " + a + " is not a power of 2");
          }
          align = a;
        }
        default ->
            throw NamedFunction.badArgument(
                function, 1, "invalid format option '" + (char) opt + "'");
      }
    }
  }

  private static Varargs pack(Varargs args) {
    Format f = new Format(args.checkstring(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int arg = 2;
    long total = 0;
    while (f.more()) {
      int opt = f.next();
      int size = f.size(opt);
      int pad = f.toAlign(total, opt, size);
      total += pad;
      for (int p = 0; p < pad; p++) {
        out.write(0);
      }
      switch (opt) {
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          double n = args.checkdouble(arg++);
          long value = (long) n;
          byte[] buf = new byte[size];
          for (int k = 0; k < size; k++) {
            int at = f.little ? k : size - 1 - k;
            buf[at] = k < 8 ? (byte) (value >>> (8 * k)) : (byte) (value < 0 ? -1 : 0);
          }
          out.writeBytes(buf);
        }
        case 'x' -> out.write(0);
        case 'f' -> putBits(out, Float.floatToRawIntBits((float) args.checkdouble(arg++)), 4, f);
        case 'd' -> putBits(out, Double.doubleToRawLongBits(args.checkdouble(arg++)), 8, f);
        case 'c', 's' -> {
          byte[] s = LuaToReply.bytes(args.checkstring(arg++));
          if (size == 0) {
            size = s.length;
          }
          if (s.length < size) {
            throw NamedFunction.badArgument("pack", arg, "string too short");
          }
          out.write(s, 0, size);
          if (opt == 's') {
            out.write(0);
            size++;
          }
        }
        default -> f.control(opt, "pack");
      }
      total += size;
    }
    return LuaString.valueUsing(out.toByteArray());
  }

  private static void putBits(ByteArrayOutputStream out, long bits, int size, Format f) {
    for (int k = 0; k < size; k++) {
      int shift = f.little ? 8 * k : 8 * (size - 1 - k);
      out.write((int) (bits >>> shift) & 0xff);
    }
  }

  private static long getBits(byte[] d, int pos, int size, boolean little) {
    long l = 0;
    for (int k = 0; k < size; k++) {
      int at = little ? pos + size - 1 - k : pos + k;
      l = (l << 8) | (d[at] & 0xff);
    }
    return l;
  }

  private static Varargs unpack(Varargs args) {
    Format f = new Format(args.checkstring(1));
    byte[] data = LuaToReply.bytes(args.checkstring(2));
    long ld = data.length;
    long start = args.optlong(3, 1);
    if (start <= 0) {
      throw NamedFunction.badArgument("unpack", 3, "offset must be 1 or greater");
    }
    long pos = start - 1;
    java.util.List<LuaValue> out = new java.util.ArrayList<>();
    while (f.more()) {
      int opt = f.next();
      int size = f.size(opt);
      pos += f.toAlign(pos, opt, size);
      if (!(size <= ld && pos <= ld - size)) {
        throw NamedFunction.badArgument("unpack", 2, "data string too short");
      }
      int p = (int) pos;
      switch (opt) {
        case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
          boolean signed = Character.isLowerCase(opt);
          long l = getBits(data, p, Math.min(size, 8), f.little);
          double res;
          if (signed) {
            if (size < 8) {
              long mask = -1L << (size * 8 - 1);
              if ((l & mask) != 0) {
                l |= mask;
              }
            }
            res = (double) l;
          } else {
            res = size < 8 || l >= 0 ? (double) l : (double) (l >>> 1) * 2 + (l & 1);
          }
          out.add(LuaValue.valueOf(res));
        }
        case 'x' -> {}
        case 'f' ->
            out.add(LuaValue.valueOf(Float.intBitsToFloat((int) getBits(data, p, 4, f.little))));
        case 'd' ->
            out.add(LuaValue.valueOf(Double.longBitsToDouble(getBits(data, p, 8, f.little))));
        case 'c' -> {
          if (size == 0) {
            if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) {
              throw new LuaError("format 'c0' needs a previous size");
            }
            size = (int) out.remove(out.size() - 1).todouble();
            if (!(size <= ld && pos <= ld - size)) {
              throw NamedFunction.badArgument("unpack", 2, "data string too short");
            }
          }
          out.add(LuaString.valueOf(data, p, size));
        }
        case 's' -> {
          int e = p;
          while (e < data.length && data[e] != 0) {
            e++;
          }
          if (e == data.length) {
            throw new LuaError("unfinished string in data");
          }
          size = e - p + 1;
          out.add(LuaString.valueOf(data, p, size - 1));
        }
        default -> f.control(opt, "unpack");
      }
      pos += size;
    }
    out.add(LuaValue.valueOf(pos + 1));
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }

  private static Varargs size(Varargs args) {
    Format f = new Format(args.checkstring(1));
    long pos = 0;
    while (f.more()) {
      int opt = f.next();
      int size = f.size(opt);
      pos += f.toAlign(pos, opt, size);
      if (opt == 's') {
        throw NamedFunction.badArgument("size", 1, "option 's' has no fixed size");
      } else if (opt == 'c' && size == 0) {
        throw NamedFunction.badArgument("size", 1, "option 'c0' has no fixed size");
      }
      if (!Character.isLetterOrDigit(opt)) {
        f.control(opt, "size");
      }
      pos += size;
    }
    return LuaValue.valueOf(pos);
  }
}
