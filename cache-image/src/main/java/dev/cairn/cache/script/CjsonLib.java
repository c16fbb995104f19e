package dev.cairn.cache.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cjson} library Redis bundles (lua-cjson 2.1): encode and decode with its defaults —
 * numbers as {@code %.14g}, '/' escaped as {@code \/}, tables with only positive integer keys as
 * arrays (holes as null) unless excessively sparse (an error), other tables as objects, {@code
 * cjson.null} for JSON null, depth limits of 1000, NaN and Inf refused when encoding (unless
 * encode_invalid_numbers) but read, with hex and leading zeros, when decoding (unless
 * decode_invalid_numbers is off) — and its error messages ("Expected value but found T_END at
 * character 1").
 */
final class CjsonLib {
  /** JSON null (lua-cjson's NULL light userdata). */
  static final LuaValue NULL = new LuaUserdata(new Object());

  private int encodeMaxDepth = 1000;
  private int decodeMaxDepth = 1000;
  private int precision = 14;
  private boolean sparseConvert;
  private int sparseRatio = 2;
  private int sparseSafe = 10;
  // 0 "off" (an error), 1 "on" (written as nan/inf), 2 "null"
  private int encodeInvalidNumbers;
  private boolean decodeInvalidNumbers = true;
  private boolean keepBuffer = true;

  private CjsonLib() {}

  static ReadonlyTable create() {
    CjsonLib lib = new CjsonLib();
    ReadonlyTable t = new ReadonlyTable();
    t.rawset("encode", new NamedFunction("encode", lib::encode));
    t.rawset("decode", new NamedFunction("decode", lib::decode));
    t.rawset(
        "encode_max_depth",
        new NamedFunction(
            "encode_max_depth",
            a -> LuaValue.valueOf(lib.encodeMaxDepth = a.optint(1, lib.encodeMaxDepth))));
    t.rawset(
        "decode_max_depth",
        new NamedFunction(
            "decode_max_depth",
            a -> LuaValue.valueOf(lib.decodeMaxDepth = a.optint(1, lib.decodeMaxDepth))));
    t.rawset(
        "encode_number_precision",
        new NamedFunction(
            "encode_number_precision",
            a -> LuaValue.valueOf(lib.precision = a.optint(1, lib.precision))));
    t.rawset(
        "encode_sparse_array",
        new NamedFunction(
            "encode_sparse_array",
            a -> {
              if (!a.isnoneornil(1)) {
                lib.sparseConvert = a.arg1().toboolean();
              }
              lib.sparseRatio = a.optint(2, lib.sparseRatio);
              lib.sparseSafe = a.optint(3, lib.sparseSafe);
              return LuaValue.varargsOf(
                  LuaValue.valueOf(lib.sparseConvert),
                  LuaValue.valueOf(lib.sparseRatio),
                  LuaValue.valueOf(lib.sparseSafe));
            }));
    // keep_buffer only tunes lua-cjson's memory reuse: remembered, no effect
    t.rawset(
        "encode_keep_buffer",
        new NamedFunction(
            "encode_keep_buffer",
            a ->
                LuaValue.valueOf(
                    lib.keepBuffer = option(a, "encode_keep_buffer", lib.keepBuffer))));
    t.rawset(
        "decode_invalid_numbers",
        new NamedFunction(
            "decode_invalid_numbers",
            a ->
                LuaValue.valueOf(
                    lib.decodeInvalidNumbers =
                        option(a, "decode_invalid_numbers", lib.decodeInvalidNumbers))));
    t.rawset(
        "encode_invalid_numbers",
        new NamedFunction("encode_invalid_numbers", lib::encodeInvalidNumbers));
    t.rawset("null", NULL);
    t.rawset("_NAME", LuaValue.valueOf("cjson"));
    t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
    return t;
  }

  /** An on/off setting as lua-cjson's json_enum_option: a boolean, "on" or "off"; nil keeps it. */
  private static boolean option(Varargs a, String function, boolean current) {
    return switch (enumOption(a, function, new String[] {"off", "on"}, current ? 1 : 0)) {
      case 0 -> false;
      default -> true;
    };
  }

  private static int enumOption(Varargs a, String function, String[] options, int current) {
    LuaValue v = a.arg1();
    if (v.isnil()) {
      return current;
    }
    if (v.isboolean()) {
      return v.toboolean() ? 1 : 0;
    }
    String name = a.checkjstring(1);
    for (int i = 0; i < options.length; i++) {
      if (options[i].equals(name)) {
        return i;
      }
    }
    throw NamedFunction.badArgument(function, 1, "invalid option '" + name + "'");
  }

  /** encode_invalid_numbers: true/"on", false/"off" or "null"; answers as it was given. */
  private Varargs encodeInvalidNumbers(Varargs a) {
    encodeInvalidNumbers =
        enumOption(
            a, "encode_invalid_numbers", new String[] {"off", "on", "null"}, encodeInvalidNumbers);
    return encodeInvalidNumbers == 2
        ? LuaValue.valueOf("null")
        : LuaValue.valueOf(encodeInvalidNumbers == 1);
  }

  // ---- encode ----

  private Varargs encode(Varargs args) {
    if (args.narg() != 1) {
      throw NamedFunction.badArgument("encode", 1, "expected 1 argument");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    append(out, args.arg1(), 0);
    return LuaString.valueUsing(out.toByteArray());
  }

  private void append(ByteArrayOutputStream out, LuaValue v, int depth) {
    switch (v.type()) {
      case LuaValue.TSTRING -> string(out, LuaToReply.bytes((LuaString) v));
      case LuaValue.TNUMBER -> number(out, v.todouble(), v);
      case LuaValue.TBOOLEAN -> ascii(out, v.toboolean() ? "true" : "false");
      case LuaValue.TNIL -> ascii(out, "null");
      case LuaValue.TTABLE -> {
        depth++;
        if (depth > encodeMaxDepth) {
          throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        LuaTable t = (LuaTable) v;
        int len = arrayLength(t);
        if (len > 0) {
          out.write('[');
          for (int i = 1; i <= len; i++) {
            if (i > 1) {
              out.write(',');
            }
            append(out, t.rawget(i), depth);
          }
          out.write(']');
        } else {
          object(out, t, depth);
        }
      }
      default -> {
        if (v == NULL) {
          ascii(out, "null");
        } else {
          throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
      }
    }
  }

  /** The array length of a table, or -1 if it must be an object (lua-cjson's rules). */
  private int arrayLength(LuaTable t) {
    double max = 0;
    int items = 0;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      if (k.type() == LuaValue.TNUMBER) {
        double d = k.todouble();
        if (Math.floor(d) == d && d >= 1) {
          max = Math.max(max, d);
          items++;
          continue;
        }
      }
      return -1;
    }
    if (sparseRatio > 0 && max > (double) items * sparseRatio && max > sparseSafe) {
      if (!sparseConvert) {
        throw new LuaError("Cannot serialise table: excessively sparse array");
      }
      return -1;
    }
    return (int) max;
  }

  private void object(ByteArrayOutputStream out, LuaTable t, int depth) {
    out.write('{');
    boolean comma = false;
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      if (comma) {
        out.write(',');
      }
      comma = true;
      if (k.type() == LuaValue.TSTRING) {
        string(out, LuaToReply.bytes((LuaString) k));
      } else if (k.type() == LuaValue.TNUMBER) {
        out.write('"');
        number(out, k.todouble(), k);
        out.write('"');
      } else {
        throw new LuaError("Cannot serialise table: table key must be a number or string");
      }
      out.write(':');
      append(out, n.arg(2), depth);
    }
    out.write('}');
  }

  private void number(ByteArrayOutputStream out, double d, LuaValue v) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      switch (encodeInvalidNumbers) {
        case 0 ->
            throw new LuaError("Cannot serialise " + v.typename() + ": must not be NaN or Inf");
        case 1 -> {
          // lua-cjson writes NaN itself: printf may say "-nan"
          ascii(out, Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
          return;
        }
        default -> {
          ascii(out, "null");
          return;
        }
      }
    }
    ascii(out, precision == 14 ? CFormat.number(d) : CFormat.g(d, precision, false, false));
  }

  private static void string(ByteArrayOutputStream out, byte[] s) {
    out.write('"');
    for (byte b : s) {
      int c = b & 0xff;
      switch (c) {
        case '"' -> ascii(out, "\\\"");
        case '\\' -> ascii(out, "\\\\");
        case '/' -> ascii(out, "\\/");
        case '\b' -> ascii(out, "\\b");
        case '\t' -> ascii(out, "\\t");
        case '\n' -> ascii(out, "\\n");
        case '\f' -> ascii(out, "\\f");
        case '\r' -> ascii(out, "\\r");
        default -> {
          if (c < 32 || c == 127) {
            ascii(out, String.format("\\u%04x", c));
          } else {
            out.write(c);
          }
        }
      }
    }
    out.write('"');
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  // ---- decode ----

  private Varargs decode(Varargs args) {
    if (args.narg() != 1) {
      throw NamedFunction.badArgument("decode", 1, "expected 1 argument");
    }
    byte[] s = LuaToReply.bytes(args.checkstring(1));
    Parser p = new Parser(s, decodeMaxDepth, decodeInvalidNumbers);
    LuaValue v = p.value(p.token());
    Token end = p.token();
    if (end.type != T.END) {
      p.fail("the end", end);
    }
    return v;
  }

  private enum T {
    OBJ_BEGIN,
    OBJ_END,
    ARR_BEGIN,
    ARR_END,
    STRING,
    NUMBER,
    BOOLEAN,
    NULL,
    COLON,
    COMMA,
    END,
    ERROR
  }

  private record Token(T type, int index, LuaValue value, String error) {}

  private static final class Parser {
    final byte[] s;
    final int maxDepth;
    final boolean invalidNumbers;
    int p;
    int depth;

    Parser(byte[] s, int maxDepth, boolean invalidNumbers) {
      this.s = s;
      this.maxDepth = maxDepth;
      this.invalidNumbers = invalidNumbers;
    }

    void fail(String expected, Token t) {
      String found = t.type == T.ERROR ? t.error : "T_" + t.type.name();
      throw new LuaError(
          "Expected " + expected + " but found " + found + " at character " + (t.index + 1));
    }

    Token token() {
      while (p < s.length && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')) {
        p++;
      }
      int at = p;
      if (p >= s.length) {
        return new Token(T.END, at, null, null);
      }
      int c = s[p] & 0xff;
      switch (c) {
        case '{' -> {
          p++;
          return new Token(T.OBJ_BEGIN, at, null, null);
        }
        case '}' -> {
          p++;
          return new Token(T.OBJ_END, at, null, null);
        }
        case '[' -> {
          p++;
          return new Token(T.ARR_BEGIN, at, null, null);
        }
        case ']' -> {
          p++;
          return new Token(T.ARR_END, at, null, null);
        }
        case ':' -> {
          p++;
          return new Token(T.COLON, at, null, null);
        }
        case ',' -> {
          p++;
          return new Token(T.COMMA, at, null, null);
        }
        case '"' -> {
          return string(at);
        }
        default -> {}
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        if (!invalidNumbers && invalidNumber()) {
          return new Token(T.ERROR, at, null, "invalid number");
        }
        return number(at);
      }
      for (String word : new String[] {"true", "false", "null"}) {
        if (matches(word)) {
          p += word.length();
          return word.equals("null")
              ? new Token(T.NULL, at, NULL, null)
              : new Token(T.BOOLEAN, at, LuaValue.valueOf(word.equals("true")), null);
        }
      }
      if (invalidNumbers && invalidNumber()) {
        return number(at);
      }
      return new Token(T.ERROR, at, null, "invalid token");
    }

    private boolean matches(String word) {
      if (p + word.length() > s.length) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        if (s[p + i] != word.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** Not JSON but strtod reads it: a leading '+', hex, leading zeros, Inf, NaN. */
    private boolean invalidNumber() {
      int q = p;
      if (s[q] == '+') {
        return true;
      }
      if (s[q] == '-') {
        q++;
      }
      int c = q < s.length ? s[q] : 0;
      if (c == '0') {
        int c2 = q + 1 < s.length ? s[q + 1] : 0;
        return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
      }
      if (c <= '9') {
        return false;
      }
      return Strtod.word(s, q, "inf") || Strtod.word(s, q, "nan");
    }

    private Token number(int at) {
      Strtod.Result r = Strtod.parse(s, p);
      if (r == null) {
        return new Token(T.ERROR, at, null, "invalid number");
      }
      p = r.end();
      return new Token(T.NUMBER, at, LuaValue.valueOf(r.value()), null);
    }

    private Token string(int at) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p++;
      while (true) {
        if (p >= s.length) {
          return new Token(T.ERROR, p, null, "unexpected end of string");
        }
        int c = s[p] & 0xff;
        if (c == '"') {
          p++;
          return new Token(T.STRING, at, LuaString.valueUsing(out.toByteArray()), null);
        }
        if (c != '\\') {
          out.write(c);
          p++;
          continue;
        }
        if (p + 1 >= s.length) {
          return new Token(T.ERROR, p, null, "invalid escape code");
        }
        int e = s[p + 1] & 0xff;
        switch (e) {
          case '"', '\\', '/' -> out.write(e);
          case 'b' -> out.write('\b');
          case 'f' -> out.write('\f');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'u' -> {
            int cp = hex(p + 2);
            if (cp < 0) {
              return new Token(T.ERROR, p, null, "invalid unicode escape code");
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              int low = p + 2 < s.length && s[p + 2] == '\\' && s[p + 3] == 'u' ? hex(p + 4) : -1;
              if (low < 0xDC00 || low > 0xDFFF) {
                return new Token(T.ERROR, p, null, "invalid unicode escape code");
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              p += 6;
            }
            out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
          }
          default -> {
            return new Token(T.ERROR, p, null, "invalid escape code");
          }
        }
        p += 2;
      }
    }

    private int hex(int at) {
      if (at + 4 > s.length) {
        return -1;
      }
      int v = 0;
      for (int i = 0; i < 4; i++) {
        int d = Character.digit(s[at + i], 16);
        if (d < 0) {
          return -1;
        }
        v = v * 16 + d;
      }
      return v;
    }

    LuaValue value(Token t) {
      switch (t.type) {
        case STRING, NUMBER, BOOLEAN, NULL -> {
          return t.value;
        }
        case OBJ_BEGIN -> {
          descend();
          LuaTable o = new LuaTable();
          Token k = token();
          if (k.type == T.OBJ_END) {
            depth--;
            return o;
          }
          while (true) {
            if (k.type != T.STRING) {
              fail("object key string", k);
            }
            Token colon = token();
            if (colon.type != T.COLON) {
              fail("colon", colon);
            }
            o.rawset(k.value, value(token()));
            Token next = token();
            if (next.type == T.OBJ_END) {
              depth--;
              return o;
            }
            if (next.type != T.COMMA) {
              fail("comma or object end", next);
            }
            k = token();
          }
        }
        case ARR_BEGIN -> {
          descend();
          LuaTable a = new LuaTable();
          Token e = token();
          if (e.type == T.ARR_END) {
            depth--;
            return a;
          }
          for (int i = 1; ; i++) {
            a.rawset(i, value(e));
            Token next = token();
            if (next.type == T.ARR_END) {
              depth--;
              return a;
            }
            if (next.type != T.COMMA) {
              fail("comma or array end", next);
            }
            e = token();
          }
        }
        default -> {
          fail("value", t);
          return LuaValue.NIL;
        }
      }
    }

    private void descend() {
      depth++;
      if (depth > maxDepth) {
        throw new LuaError(
            "Found too many nested data structures (" + depth + ") at character " + p);
      }
    }
  }
}
