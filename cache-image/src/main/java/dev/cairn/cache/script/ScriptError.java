package dev.cairn.cache.script;

import org.luaj.vm2.LuaError;

/**
 * A Lua error raised by Cairn's side of the interpreter. Lua 5.1 prefixes an error message with the
 * script's position ("user_script:1: ...") when the error is raised in Lua code or by a library
 * function's luaL_error, but not when the VM fails inside a C function (a read-only table hit by
 * {@code rawset}) or when {@code error(msg, 0)} asks for none; {@link #unpositioned} errors keep
 * the message bare while LuaJ still records where in the script they happened.
 */
final class ScriptError extends LuaError {
  private final boolean bare;

  ScriptError(String message) {
    super(message);
    this.bare = false;
  }

  private ScriptError(String message, boolean bare) {
    super(message);
    this.bare = bare;
  }

  static ScriptError unpositioned(String message) {
    return new ScriptError(message, true);
  }

  @Override
  public String getMessage() {
    if (bare && traceback == null) {
      // what LuaJ passes to the error function and keeps as the message: without the position
      return super.getMessage() == null ? null : messageOnly();
    }
    return super.getMessage();
  }

  private String messageOnly() {
    String full = super.getMessage();
    return fileline != null && full.startsWith(fileline + " ")
        ? full.substring(fileline.length() + 1)
        : full;
  }

  /** Where in the script the error happened ("user_script:3"), or null. */
  String position() {
    return fileline;
  }

  /** Whether the table write being refused comes from a library function, not a script line. */
  static boolean fromLibrary() {
    return StackWalker.getInstance()
        .walk(frames ->
            frames
                .map(StackWalker.StackFrame::getClassName)
                .filter(
                    c -> c.startsWith("org.luaj.vm2.lib.") || c.equals("org.luaj.vm2.LuaClosure"))
                .findFirst()
                .map(c -> c.startsWith("org.luaj.vm2.lib."))
                .orElse(false));
  }
}
