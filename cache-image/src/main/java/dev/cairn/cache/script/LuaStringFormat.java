package dev.cairn.cache.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code string.format}: the spec is C's printf ({@code %d %i %o %u %x %X %c %e %E %f %g
 * %G %s %q %%} with flags {@code -+ #0}, width and precision of at most two digits), integers
 * truncated from the number as C casts it, and {@code %s} accepting strings and numbers only.
 * LuaJ's version differs (it prints {@code %g} with Java's rules and {@code %5.2f} without
 * rounding), so scripts would see other strings than in Redis.
 */
final class LuaStringFormat extends VarArgFunction {
  LuaStringFormat() {
    this.name = "format";
  }

  @Override
  public Varargs invoke(Varargs args) {
    byte[] fmt = LuaToReply.bytes(args.checkstring(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.length + 16);
    int arg = 1;
    int i = 0;
    while (i < fmt.length) {
      byte c = fmt[i++];
      if (c != '%') {
        out.write(c);
        continue;
      }
      if (i < fmt.length && fmt[i] == '%') {
        out.write('%');
        i++;
        continue;
      }
      int start = i;
      while (i < fmt.length && "-+ #0".indexOf(fmt[i]) >= 0) {
        i++;
      }
      if (i - start > 5) {
        throw new LuaError("invalid format (repeated flags)");
      }
      String flags = new String(fmt, start, i - start, StandardCharsets.US_ASCII);
      int width = -1;
      int digits = 0;
      while (i < fmt.length && Character.isDigit(fmt[i])) {
        width = (width < 0 ? 0 : width * 10) + (fmt[i++] - '0');
        digits++;
      }
      int precision = -1;
      if (i < fmt.length && fmt[i] == '.') {
        i++;
        precision = 0;
        int pd = 0;
        while (i < fmt.length && Character.isDigit(fmt[i])) {
          precision = precision * 10 + (fmt[i++] - '0');
          pd++;
        }
        if (pd > 2) {
          throw new LuaError("invalid format (width or precision too long)");
        }
      }
      if (digits > 2) {
        throw new LuaError("invalid format (width or precision too long)");
      }
      if (i >= fmt.length) {
        throw new LuaError("invalid option '%' to 'format'");
      }
      char conv = (char) fmt[i++];
      arg++;
      if (conv != '%' && arg > args.narg()) {
        throw NamedFunction.badArgument("format", arg, "no value");
      }
      switch (conv) {
        case 'c' -> pad(out, new byte[] {(byte) (long) number(args, arg)}, flags, width);
        case 'd', 'i' -> integer(out, (long) number(args, arg), flags, width, precision);
        case 'o', 'u', 'x', 'X' ->
            unsigned(out, (long) number(args, arg), conv, flags, width, precision);
        case 'e', 'E', 'f', 'g', 'G' -> real(out, number(args, arg), conv, flags, width, precision);
        case 'q' -> quoted(out, LuaToReply.bytes(args.checkstring(arg)));
        case 's' -> {
          LuaValue v = args.arg(arg);
          if (!v.isstring()) {
            throw NamedFunction.badArgument(
                "format",
                arg,
                "string expected, got "
                    + (v.isnil() && arg > args.narg() ? "no value" : v.typename()));
          }
          byte[] s = LuaToReply.bytes(v.checkstring());
          if (precision >= 0 && precision < s.length) {
            s = java.util.Arrays.copyOf(s, precision);
          }
          pad(out, s, flags, width);
        }
        default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
      }
    }
    return LuaString.valueUsing(out.toByteArray());
  }

  private static double number(Varargs args, int arg) {
    LuaValue v = args.arg(arg);
    if (!v.isnumber()) {
      throw NamedFunction.badArgument("format", arg, "number expected, got " + v.typename());
    }
    return v.todouble();
  }

  private static void integer(
      ByteArrayOutputStream out, long v, String flags, int width, int precision) {
    String digits = v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(v));
    if (precision == 0 && v == 0) {
      digits = "";
    }
    if (precision > digits.length()) {
      digits = "0".repeat(precision - digits.length()) + digits;
    }
    String sign = v < 0 ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
    number(out, sign, "", digits, flags, width, precision < 0);
  }

  private static void unsigned(
      ByteArrayOutputStream out, long v, char conv, String flags, int width, int precision) {
    String digits =
        switch (conv) {
          case 'o' -> Long.toOctalString(v);
          case 'x' -> Long.toHexString(v);
          case 'X' -> Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
          default -> Long.toUnsignedString(v);
        };
    if (precision == 0 && v == 0) {
      digits = "";
    }
    if (precision > digits.length()) {
      digits = "0".repeat(precision - digits.length()) + digits;
    }
    String prefix = "";
    if (flags.contains("#")) {
      if (conv == 'o' && !digits.startsWith("0")) {
        digits = "0" + digits;
      } else if (conv == 'x' && v != 0) {
        prefix = "0x";
      } else if (conv == 'X' && v != 0) {
        prefix = "0X";
      }
    }
    number(out, "", prefix, digits, flags, width, precision < 0);
  }

  private static void real(
      ByteArrayOutputStream out, double d, char conv, String flags, int width, int precision) {
    int p = precision < 0 ? 6 : precision;
    boolean alt = flags.contains("#");
    boolean upper = Character.isUpperCase(conv);
    String s =
        switch (Character.toLowerCase(conv)) {
          case 'e' -> CFormat.e(d, p, alt, upper);
          case 'f' -> CFormat.f(d, p, alt);
          default -> CFormat.g(d, p, alt, upper);
        };
    String sign = "";
    if (s.startsWith("-")) {
      sign = "-";
      s = s.substring(1);
    } else if (flags.contains("+")) {
      sign = "+";
    } else if (flags.contains(" ")) {
      sign = " ";
    }
    number(out, sign, "", s, flags, width, Double.isFinite(d));
  }

  /** Sign, prefix and digits padded to width: zeros after the sign with '0', else spaces. */
  private static void number(
      ByteArrayOutputStream out,
      String sign,
      String prefix,
      String digits,
      String flags,
      int width,
      boolean zeroAllowed) {
    int len = sign.length() + prefix.length() + digits.length();
    int fill = Math.max(0, width - len);
    boolean left = flags.contains("-");
    StringBuilder sb = new StringBuilder();
    if (!left && !(flags.contains("0") && zeroAllowed)) {
      sb.append(" ".repeat(fill));
    }
    sb.append(sign).append(prefix);
    if (!left && flags.contains("0") && zeroAllowed) {
      sb.append("0".repeat(fill));
    }
    sb.append(digits);
    if (left) {
      sb.append(" ".repeat(fill));
    }
    out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void pad(ByteArrayOutputStream out, byte[] s, String flags, int width) {
    int fill = Math.max(0, width - s.length);
    boolean left = flags.contains("-");
    if (!left) {
      out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(s);
    if (left) {
      out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void quoted(ByteArrayOutputStream out, byte[] s) {
    out.write('"');
    for (byte b : s) {
      switch (b) {
        case '"', '\\' -> {
          out.write('\\');
          out.write(b);
        }
        case '\n' -> {
          out.write('\\');
          out.write('\n');
        }
        case '\r' -> out.writeBytes("\\r".getBytes(StandardCharsets.US_ASCII));
        case 0 -> out.writeBytes("\\000".getBytes(StandardCharsets.US_ASCII));
        default -> out.write(b);
      }
    }
    out.write('"');
  }
}
