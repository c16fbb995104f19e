package dev.cairn.cache.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A library function written as a lambda, with the name Lua's argument errors show ("bad argument
 * #1 to 'band'").
 */
final class NamedFunction extends VarArgFunction {
  /** The function's body. */
  @FunctionalInterface
  interface Body {
    Varargs apply(Varargs args);
  }

  private final Body body;

  NamedFunction(String name, Body body) {
    this.name = name;
    this.body = body;
  }

  @Override
  public Varargs invoke(Varargs args) {
    return body.apply(args);
  }

  /** Lua 5.1's luaL_argerror: "bad argument #2 to 'unpack' (data string too short)". */
  static LuaError badArgument(String function, int arg, String message) {
    return new LuaError("bad argument #" + arg + " to '" + function + "' (" + message + ")");
  }
}
