package dev.cairn.cache.script;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Script errors as Redis 7.0 shapes them. Inside Lua an error from Redis is a table {@code
 * {err="CODE message"}} ({@code luaPushErrorBuff}); a script that fails replies {@code -<err>
 * script: <name>, on @<source>:<line>.}. LuaJ's own runtime messages are brought to Lua 5.1's
 * wording where the two differ in form ({@link #lua51}).
 */
final class Errors {
  static final LuaString ERR = LuaString.valueOf("err");
  private static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");

  private Errors() {}

  /** The error table for a RESP error line ("CODE message", or a bare word: "ERR word"). */
  static LuaTable table(String line) {
    int space = line.indexOf(' ');
    String text =
        space < 0 ? "ERR " + line : line.substring(0, space) + " " + line.substring(space + 1);
    LuaTable t = new LuaTable(0, 2);
    t.rawset(ERR, LuaString.valueOf(text.strip()));
    t.rawset(IGNORE_STATS, LuaValue.TRUE);
    return t;
  }

  /** An error of the Redis API itself ("ERR " + message), raised into the script. */
  static LuaError raise(String message) {
    LuaTable t = new LuaTable(0, 1);
    t.rawset(
        ERR, LuaString.valueOf(message.startsWith("-") ? message.substring(1) : "ERR " + message));
    return new LuaError(t);
  }

  /** The error table of a non-raising call (redis.pcall): "ERR " + message. */
  static LuaTable of(String message) {
    LuaTable t = new LuaTable(0, 1);
    t.rawset(ERR, LuaString.valueOf("ERR " + message));
    return t;
  }

  // "user_script:3 attempt to ..." (LuaJ) -> "user_script:3: attempt to ..." (Lua 5.1)
  private static final Pattern POSITION = Pattern.compile("^(@?)([\\w.]+:(?:\\d+|\\?)) ");
  private static final Pattern ARITH =
      Pattern.compile("attempt to perform arithmetic \\S+ on (\\w+) and (\\w+)");
  private static final Pattern CONCAT = Pattern.compile("attempt to concatenate (\\w+) and (\\w+)");
  private static final Pattern LENGTH = Pattern.compile("attempt to get length of (\\w+)$");
  private static final Pattern SYMBOL = Pattern.compile("unexpected symbol (-?\\d+) \\((.+?)\\)");
  private static final Pattern TYPE_ERROR =
      Pattern.compile("attempt to (index|call|compare|concatenate) \\? \\(a (\\w+) value\\)");

  /** LuaJ names a token by its code and character; Lua 5.1 by its text, the end as <eof>. */
  private static String symbol(int code, String text) {
    return code >= 32 && code < 127 ? text : "<eof>";
  }

  /** Where an error happened ("user_script:3"), from its message or the error itself. */
  static String position(LuaError e) {
    if (e instanceof ScriptError s && s.position() != null) {
      String p = s.position();
      return p.startsWith("@") ? p.substring(1) : p;
    }
    String m = e.getMessage();
    if (m == null) {
      return null;
    }
    Matcher at = LEADING.matcher(m);
    return at.find() ? at.group(1) : null;
  }

  private static final Pattern LEADING =
      Pattern.compile("^@?((?:user_script|user_function):\\d+):? ");

  /**
   * A LuaJ error message in Lua 5.1's form: "chunk:line: message", arithmetic and indexing errors
   * worded as 5.1 words them when it cannot name the variable.
   */
  static String lua51(String message) {
    Matcher m = POSITION.matcher(message);
    if (m.find()) {
      message = m.group(2) + ": " + message.substring(m.end());
    }
    Matcher a = ARITH.matcher(message);
    if (a.find()) {
      String culprit =
          a.group(1).equals("number") || a.group(1).equals("string") ? a.group(2) : a.group(1);
      message =
          message.substring(0, a.start())
              + "attempt to perform arithmetic on a "
              + culprit
              + " value"
              + message.substring(a.end());
    }
    message = message.replace("'<eos>'", "'<eof>'");
    Matcher cat = CONCAT.matcher(message);
    if (cat.find()) {
      String culprit =
          cat.group(1).equals("number") || cat.group(1).equals("string")
              ? cat.group(2)
              : cat.group(1);
      message =
          message.substring(0, cat.start())
              + "attempt to concatenate a "
              + culprit
              + " value"
              + message.substring(cat.end());
    }
    Matcher len = LENGTH.matcher(message);
    if (len.find()) {
      message =
          message.substring(0, len.start())
              + "attempt to get length of a "
              + len.group(1)
              + " value";
    }
    Matcher sym = SYMBOL.matcher(message);
    if (sym.find()) {
      message =
          message.substring(0, sym.start())
              + "unexpected symbol near '"
              + symbol(Integer.parseInt(sym.group(1)), sym.group(2))
              + "'"
              + message.substring(sym.end());
    }
    Matcher t = TYPE_ERROR.matcher(message);
    if (t.find()) {
      message =
          message.substring(0, t.start())
              + "attempt to "
              + t.group(1)
              + " a "
              + t.group(2)
              + " value"
              + message.substring(t.end());
    }
    return message;
  }
}
